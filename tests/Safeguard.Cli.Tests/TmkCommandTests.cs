using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Hashing.Tmk;
using Safeguard.Signals;
using Safeguard.Signals.Tmk;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Cli.Tests;

/// <summary>
/// `match` and `scan` over Meta's reference videos find the TMK matches Meta's pair scores
/// predict, against a bank of Meta's own .tmk files and one level-1-only entry.
/// </summary>
public sealed class TmkCommandTests : CliFixture
{
    private const string Bank = "tmk-ref";
    private readonly string _in;

    public TmkCommandTests()
    {
        _in = Directory.CreateDirectory(Path.Combine(Dir, "in")).FullName;
    }

    /// <summary>Meta's seven .tmk files (whole values: too long for a CSV import line), and doorknob's pure average alone.</summary>
    private async Task BankMetasFilesAsync()
    {
        RunOk("bank", "create", Bank);
        await using var store = await SqliteBankStore.OpenAsync(Db);
        var records = Directory.GetFiles(TestData.Tmk, "*.tmk").Order(StringComparer.Ordinal).Select(f =>
            new EntryRecord(SignalTypes.Tmk, Convert.ToBase64String(File.ReadAllBytes(f))) { ContentId = Path.GetFileNameWithoutExtension(f), Category = 1 }).ToList();
        var doorknob = TmkFile.ReadFile(TestData.TmkFile("doorknob-hd-no-bar.tmk"));
        records.Add(new EntryRecord(SignalTypes.Tmk, string.Join(',', doorknob.PureAverage.Select(x => x.ToString("R", CultureInfo.InvariantCulture))))
        {
            ContentId = "doorknob-level1",
        });
        await store.ImportAsync(Bank, records);
    }

    /// <summary>Videos Meta's pair scores put at or above 0.7 on both levels against <paramref name="video"/>, itself included.</summary>
    private static List<string> MetasMatches(string video)
    {
        var found = new List<string> { video };
        foreach (var line in File.ReadLines(TestData.TmkFile("pair-scores.txt")))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 4 || float.Parse(f[0], CultureInfo.InvariantCulture) < 0.7f || float.Parse(f[1], CultureInfo.InvariantCulture) < 0.7f) continue;
            string a = Path.GetFileNameWithoutExtension(f[2]), b = Path.GetFileNameWithoutExtension(f[3]);
            if (a == video) found.Add(b);
            if (b == video) found.Add(a);
        }
        return found;
    }

    private static (string ContentId, double Level1, double? Level2) Tmk(JsonElement m) =>
        (m.GetProperty("content_id").GetString()!, m.GetProperty("tmk_level1").GetDouble(),
            m.GetProperty("tmk_level2").ValueKind == JsonValueKind.Number ? m.GetProperty("tmk_level2").GetDouble() : null);

    [Fact]
    public async Task Match_and_scan_find_the_tmk_matches_of_metas_pair_scores()
    {
        await BankMetasFilesAsync();
        File.Copy(TestData.VpdqFile("videos/chair-19-sd-bar.mp4"), Path.Combine(_in, "chair-19-sd-bar.mp4"));
        File.Copy(TestData.VpdqFile("videos/doorknob-hd-no-bar.mp4"), Path.Combine(_in, "doorknob-hd-no-bar.mp4"));
        using (var zip = ZipFile.Open(Path.Combine(_in, "clips.zip"), ZipArchiveMode.Create))
            zip.CreateEntryFromFile(TestData.VpdqFile("videos/pattern-sd-grey-bar.mp4"), "clips/pattern-sd-grey-bar.mp4");
        var chairExpected = MetasMatches("chair-19-sd-bar");
        Assert.Equal(4, chairExpected.Count); // the four chair videos

        // match: one row per tmk hit, with both scores.
        var rows = RunOk("match", _in, "--format", "jsonl").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("signal_type").GetString() == "tmk").ToList();
        var chair = rows.Where(r => r.GetProperty("path").GetString()!.EndsWith("chair-19-sd-bar.mp4", StringComparison.Ordinal)).Select(Tmk).ToList();
        Assert.Equal(chairExpected.Order(), chair.Select(m => m.ContentId).Order());
        Assert.All(chair, m => Assert.True(m.Level1 >= 0.7 && m.Level2 >= 0.7, $"{m}"));
        Assert.True(chair.Single(m => m.ContentId == "chair-19-sd-bar").Level2 > 0.999);
        // Meta's own score of the pair, to the printed digits, since our hash equals Meta's to float rounding.
        Assert.Equal(0.989083, chair.Single(m => m.ContentId == "chair-20-sd-bar").Level1, 3);
        var door = rows.Where(r => r.GetProperty("path").GetString()!.EndsWith("doorknob-hd-no-bar.mp4", StringComparison.Ordinal)).Select(Tmk).ToList();
        Assert.Equal(["doorknob-hd-no-bar", "doorknob-level1"], door.Select(m => m.ContentId).Order());
        Assert.Null(door.Single(m => m.ContentId == "doorknob-level1").Level2); // level 1 alone decided
        Assert.True(door.Single(m => m.ContentId == "doorknob-level1").Level1 > 0.999);

        // A stricter level 2 drops chair-19's weakest pairs; --no-tmk finds no tmk match at all.
        var strict = RunOk("match", Path.Combine(_in, "chair-19-sd-bar.mp4"), "--format", "jsonl", "--tmk-level2", "0.98").Out;
        Assert.Equal(["chair-19-sd-bar", "chair-20-sd-bar"], strict.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("signal_type").GetString() == "tmk")
            .Select(r => r.GetProperty("content_id").GetString()!).Order());
        Assert.DoesNotContain("\"tmk\"", RunOk("match", Path.Combine(_in, "doorknob-hd-no-bar.mp4"), "--format", "jsonl", "--no-tmk").Out);
        Assert.Equal(2, Run("match", _in, "--tmk-level1", "1.5").Exit);

        // A tmk value on the command line: doorknob's level-1 form.
        string level1 = SignalTypes.Tmk.Level1Text(TmkFile.ReadFile(TestData.TmkFile("doorknob-hd-no-bar.tmk")));
        var byValue = RunOk("match", "tmk:" + level1).Out;
        Assert.Contains(",tmk,tmk-ref,doorknob-hd-no-bar,", byValue);
        Assert.Contains(",tmk,tmk-ref,doorknob-level1,", byValue);

        // scan: the same matches in files.jsonl, the video's TMK value, the summary and the CSV.
        string outDir = Path.Combine(Dir, "scan-out");
        RunOk("scan", _in, "--out", outDir);
        var records = File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        JsonElement Record(string suffix) => records.Single(r => r.GetProperty("path").GetString()!.EndsWith(suffix, StringComparison.Ordinal));
        var chairRecord = Record("chair-19-sd-bar.mp4");
        var scanChair = chairRecord.GetProperty("matches").EnumerateArray().Where(m => m.GetProperty("signal_type").GetString() == "tmk").Select(Tmk).ToList();
        Assert.Equal(chair.OrderBy(m => m.ContentId), scanChair.OrderBy(m => m.ContentId));
        var ours = SignalTypes.Tmk.Parse(chairRecord.GetProperty("tmk").GetString()!);
        var metas = TmkFile.ReadFile(TestData.TmkFile("chair-19-sd-bar.tmk"));
        Assert.True(TmkScorer.Level2(ours, metas) > 0.999f);
        // The archive member is hashed from memory and matches the other pattern video.
        var member = Record("pattern-sd-grey-bar.mp4").GetProperty("matches").EnumerateArray().Select(Tmk).Select(m => m.ContentId).Order();
        Assert.Equal(MetasMatches("pattern-sd-grey-bar").Order(), member);

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement;
        Assert.Equal(3, summary.GetProperty("matches_by_signal_type").GetProperty("tmk").GetInt32());
        var csv = File.ReadAllLines(Path.Combine(outDir, "files.csv"));
        Assert.EndsWith(",signal_types,tmk_level1,tmk_level2", csv[0]);
        var chairCsv = csv.Single(l => l.Contains("chair-19-sd-bar.mp4", StringComparison.Ordinal));
        Assert.Contains("tmk", chairCsv.Split(',')[^3]);
        Assert.Equal(1.0, double.Parse(chairCsv.Split(',')[^1], CultureInfo.InvariantCulture), 3);

        // The VICS case carries each video's TMK, which reads back as the video's value.
        using var vics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "case.vics.json")));
        var tmkHashes = vics.RootElement.GetProperty("value").EnumerateArray().SelectMany(c => c.GetProperty("Media").EnumerateArray())
            .SelectMany(m => m.TryGetProperty("AlternativeHashes", out var a) ? a.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Where(a => a.GetProperty("HashName").GetString() == "TMK_PDQF").Select(a => a.GetProperty("HashValue").GetString()).ToList();
        Assert.Equal(3, tmkHashes.Count);
        Assert.Contains(chairRecord.GetProperty("tmk").GetString(), tmkHashes);
    }
}
