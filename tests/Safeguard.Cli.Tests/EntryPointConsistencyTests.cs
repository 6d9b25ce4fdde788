using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>
/// The same inputs through every entry point — `hash`, `match`, `scan`, `watch` (file source) and
/// the service's /v1/hash, /v1/lookup/file and /v1/review/submit — must give the same hashes and the same matches.
/// The bank holds Meta's reference hashes (PDQ of the bridge photo and of its mirror image, the
/// chair video's vPDQ) and digests the test computes itself, so the expected matches are known
/// without asking the code under test.
/// </summary>
public sealed class EntryPointConsistencyTests : CliFixture
{
    private const string Bank = "consistency";
    private readonly string _in;

    public EntryPointConsistencyTests()
    {
        _in = Directory.CreateDirectory(Path.Combine(Dir, "in")).FullName;
    }

    [Fact]
    public async Task Every_entry_point_gives_the_same_hashes_and_matches()
    {
        string bridgeSource = Path.Combine(Pdq, "bridge-mods", "aaa-orig.jpg");
        string chairSource = Path.Combine(TestData.Vpdq, "videos", "chair-orig-22-sd-bar.mp4");
        File.Copy(bridgeSource, Path.Combine(_in, "bridge.jpg"));
        File.Copy(chairSource, Path.Combine(_in, "chair.mp4"));
        Ffmpeg("-i", bridgeSource, "-vf", "hflip", Path.Combine(_in, "bridge-mirrored.png"));
        Ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=96x96", "-frames:v", "1", Path.Combine(_in, "flat.png"));
        Ffmpeg("-loop", "1", "-i", bridgeSource, "-t", "3", "-r", "5", "-vf", "scale=800:502", "-pix_fmt", "yuv420p", Path.Combine(_in, "bridge-clip.mp4"));
        byte[] notes = Encoding.UTF8.GetBytes("case notes: nothing to see\n");
        string members = Directory.CreateDirectory(Path.Combine(Dir, "members")).FullName;
        File.Copy(bridgeSource, Path.Combine(members, "bridge-copy.jpg"));
        File.WriteAllBytes(Path.Combine(members, "notes.txt"), notes);
        using (var zip = ZipFile.Open(Path.Combine(_in, "bundle.zip"), ZipArchiveMode.Create))
        {
            zip.CreateEntryFromFile(Path.Combine(members, "bridge-copy.jpg"), "photos/bridge-copy.jpg");
            zip.CreateEntryFromFile(Path.Combine(members, "notes.txt"), "notes.txt");
        }

        // The flat image's PDQ as `hash` gives it: a bank entry at distance 0 that no entry point may match (quality too low).
        var flat = JsonDocument.Parse(RunOk("hash", Path.Combine(_in, "flat.png"), "--format", "jsonl").Out.Trim()).RootElement;
        Assert.True(flat.GetProperty("quality").GetInt32() < 50);
        var reference = File.ReadLines(Path.Combine(Pdq, "expected-reference-dihedral.csv")).First(l => l.StartsWith("bridge-mods/aaa-orig.jpg,", StringComparison.Ordinal)).Split(',');
        string bridgePdq = reference[1], bridgeMirrored = reference[6]; // pdq_flipy: the left-right mirror image
        var csv = new StringBuilder("signal_type,signal,content_id\n");
        csv.Append($"pdq,{bridgePdq},bridge-pdq\n");
        csv.Append($"pdq,{bridgeMirrored},bridge-mirror\n");
        csv.Append($"pdq,{flat.GetProperty("pdq").GetString()},flat-pdq\n");
        csv.Append($"md5,{Md5(Path.Combine(_in, "flat.png"))},flat-md5\n");
        csv.Append($"sha256,{Convert.ToHexStringLower(SHA256.HashData(notes))},notes-sha256\n");
        csv.Append($"video_md5,{Md5(chairSource)},chair-video-md5\n");
        csv.Append($"vpdq,\"{MetaVpdq("chair-orig-22-sd-bar.txt")}\",chair-vpdq\n"); // commas inside: quoted
        // Meta's chair TMK: its pure average alone (level 1) fits a CSV line; the whole file goes in through the store below.
        var chairTmk = Safeguard.Hashing.Tmk.TmkFile.ReadFile(TestData.TmkFile("chair-orig-22-sd-bar.tmk"));
        csv.Append($"tmk,{Safeguard.Signals.SignalTypes.Tmk.Level1Text(chairTmk)},chair-tmk-level1\n");
        File.WriteAllText(Path.Combine(Dir, "bank.csv"), csv.ToString());
        RunOk("bank", "create", Bank);
        RunOk("bank", "import", Bank, Path.Combine(Dir, "bank.csv"), "--format", "csv");
        await using (var store = await Safeguard.Storage.Sqlite.SqliteBankStore.OpenAsync(Db))
            await store.ImportAsync(Bank, [new Safeguard.Banks.EntryRecord(Safeguard.Signals.SignalTypes.Tmk,
                Convert.ToBase64String(File.ReadAllBytes(TestData.TmkFile("chair-orig-22-sd-bar.tmk")))) { ContentId = "chair-tmk" }]);

        string[] files = ["bridge.jpg", "bridge-mirrored.png", "flat.png", "chair.mp4", "bridge-clip.mp4", "bundle.zip"];
        var expected = new Dictionary<string, string[]>
        {
            ["bridge.jpg"] = ["bridge-pdq"],
            ["bridge-mirrored.png"] = ["bridge-mirror"],
            ["flat.png"] = ["flat-md5"],
            ["chair.mp4"] = ["chair-tmk", "chair-tmk-level1", "chair-video-md5", "chair-vpdq"],
            ["bridge-clip.mp4"] = ["bridge-pdq"],
            ["bundle.zip"] = [],
            ["bundle.zip/photos/bridge-copy.jpg"] = ["bridge-pdq"],
            ["bundle.zip/notes.txt"] = ["notes-sha256"],
        };

        // hash: the reference for every other entry point's hashes (videos sampled as match, scan and the
        // service sample them: computing TMK needs every frame decoded, so their vPDQ is the reference sampling).
        var hashes = new Dictionary<string, Hashes>();
        var hashRun = Run("hash", _in, "--format", "jsonl", "--video-sampling", "reference");
        Assert.Contains("bundle.zip", hashRun.Err); // no image: `hash` names it and goes on
        foreach (var line in Lines(hashRun.Out))
        {
            var j = JsonDocument.Parse(line).RootElement;
            hashes[Path.GetFileName(j.GetProperty("path").GetString()!)] = new Hashes(Str(j, "pdq"), Int(j, "quality"), Str(j, "md5"), Str(j, "sha1"), Str(j, "sha256"), Str(j, "vpdq"));
        }
        // `hash` does not open archives and fails on files that are no image: the zip is missing there.
        foreach (var f in files.Where(f => f != "bundle.zip")) Assert.True(hashes.ContainsKey(f), $"hash gave nothing for {f}");
        Assert.Equal(bridgePdq, hashes["bridge.jpg"].Pdq);
        Assert.NotNull(hashes["chair.mp4"].Vpdq);

        // match: files on disk, and the archive's members extracted.
        var match = MatchSets(RunOk("match", _in, members, "--format", "jsonl").Out);
        foreach (var (file, ids) in expected)
        {
            string key = file.StartsWith("bundle.zip/", StringComparison.Ordinal) ? Path.GetFileName(file) : file;
            Assert.Equal(ids.Order(), match.GetValueOrDefault(key, []).Select(m => m.ContentId).Distinct().Order());
        }

        // scan: the same hashes and matches, the archive opened in place.
        string outDir = Path.Combine(Dir, "scan-out");
        Run("scan", _in, "--out", outDir);
        var scanned = File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var (file, ids) in expected)
        {
            var rec = scanned.Single(r => Normal(r.GetProperty("path").GetString()!).EndsWith("/" + file, StringComparison.Ordinal));
            var got = rec.TryGetProperty("matches", out var ms) ? ms.EnumerateArray().Select(ToMatch).ToList() : [];
            string matchKey = file.StartsWith("bundle.zip/", StringComparison.Ordinal) ? Path.GetFileName(file) : file;
            Assert.Equal(Sorted(match.GetValueOrDefault(matchKey, [])), Sorted(got));
            if (hashes.TryGetValue(file, out var h))
            {
                Assert.Equal(h.Md5, Str(rec, "md5"));
                Assert.Equal(h.Sha1, Str(rec, "sha1"));
                Assert.Equal(h.Sha256, Str(rec, "sha256"));
                Assert.Equal(h.Pdq, Str(rec, "pdq"));
                Assert.Equal(h.Quality, Int(rec, "quality"));
            }
        }

        // watch: a file source; its alerts name the perceptual entries match found for the video (exact ones it cannot see).
        foreach (var video in new[] { "chair.mp4", "bridge-clip.mp4" })
        {
            var watch = RunOk("watch", Path.Combine(_in, video), "--no-reconnect", "--rate", "1", "--scene", "0");
            var alerted = Lines(watch.Out).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(a => a.GetProperty("type").GetString() == "alert")
                .Select(a => a.GetProperty("entry").GetProperty("content_id").GetString()!).Distinct().Order();
            var perceptual = match[video].Where(m => m.SignalType is "pdq" or "vpdq").Select(m => m.ContentId).Distinct().Order();
            Assert.Equal(perceptual, alerted);
        }

        // The service: /v1/hash gives the hashes `hash` gave; /v1/lookup/file the matches `match` found.
        string secret = RunOk("keys", "create", "consistency", "--roles", "admin").Out.Trim();
        int port = FreePort.Next();
        string url = $"http://127.0.0.1:{port}";
        var psi = StartInfo(["serve", "--db", Db, "--urls", url, "--no-demo", "--audit-key", Db + ".audit-signing.key"]);
        using var server = Process.Start(psi)!;
        _ = server.StandardOutput.ReadToEndAsync();
        _ = server.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            await WaitReadyAsync(http, url);
            foreach (var file in files.Where(f => f != "bundle.zip"))
            {
                var hashed = JsonDocument.Parse(await Upload(http, $"{url}/v1/hash", Path.Combine(_in, file))).RootElement;
                var h = hashes[file];
                Assert.Equal(h.Md5, Str(hashed, "md5"));
                Assert.Equal(h.Sha1, Str(hashed, "sha1"));
                Assert.Equal(h.Sha256, Str(hashed, "sha256"));
                Assert.Equal(h.Pdq, Str(hashed, "pdq"));
                Assert.Equal(h.Quality, Int(hashed, "pdq_quality"));
                Assert.Equal(h.Vpdq, Str(hashed, "vpdq"));
                // TMK: `hash` does not compute it; the service's equals scan's.
                var scannedRecord = scanned.Single(x => Normal(x.GetProperty("path").GetString()!).EndsWith("/" + file, StringComparison.Ordinal));
                Assert.Equal(Str(scannedRecord, "tmk"), Str(hashed, "tmk"));
                Assert.Equal(file.EndsWith(".mp4", StringComparison.Ordinal), Str(hashed, "tmk") is not null);

                var looked = JsonDocument.Parse(await Upload(http, $"{url}/v1/lookup/file", Path.Combine(_in, file))).RootElement;
                var got = looked.GetProperty("matches").EnumerateArray().Select(ToMatch).Where(m => m.Bank == Bank).ToList();
                Assert.Equal(Sorted(match.GetValueOrDefault(file, [])), Sorted(got));

                if (file.EndsWith(".mp4", StringComparison.Ordinal)) continue; // review submissions take images
                var submitted = JsonDocument.Parse(await Upload(http, $"{url}/v1/review/submit", Path.Combine(_in, file))).RootElement;
                got = submitted.GetProperty("matches").EnumerateArray().Select(ToMatch).Where(m => m.Bank == Bank).ToList();
                Assert.Equal(Sorted(match.GetValueOrDefault(file, [])), Sorted(got));
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    private sealed record Hashes(string? Pdq, int? Quality, string? Md5, string? Sha1, string? Sha256, string? Vpdq);

    /// <param name="Scores">A TMK hit's level-1 and level-2 scores as written (six decimals), else "".</param>
    private sealed record Hit(string Bank, string ContentId, string SignalType, int Distance, string Scores = "");

    private static Hit ToMatch(JsonElement m) =>
        new(m.GetProperty("bank").GetString()!, m.GetProperty("content_id").GetString()!, m.GetProperty("signal_type").GetString()!, m.GetProperty("distance").GetInt32(),
            m.TryGetProperty("tmk_level1", out var l1) && l1.ValueKind == JsonValueKind.Number
                ? $"{l1.GetDouble():R}/{(m.TryGetProperty("tmk_level2", out var l2) && l2.ValueKind == JsonValueKind.Number ? l2.GetDouble().ToString("R") : "-")}" : "");

    private static List<string> Sorted(IEnumerable<Hit> hits) =>
        hits.Where(h => h.Bank == Bank).Select(h => $"{h.ContentId}|{h.SignalType}|{h.Distance}|{h.Scores}").Order(StringComparer.Ordinal).ToList();

    /// <summary>`match` rows grouped by file name.</summary>
    private static Dictionary<string, List<Hit>> MatchSets(string jsonl)
    {
        var sets = new Dictionary<string, List<Hit>>();
        foreach (var line in Lines(jsonl))
        {
            var j = JsonDocument.Parse(line).RootElement;
            string file = Path.GetFileName(j.GetProperty("path").GetString()!);
            if (!sets.TryGetValue(file, out var list)) sets[file] = list = [];
            list.Add(ToMatch(j));
        }
        return sets;
    }

    private static string Normal(string path) => path.Replace('!', '/').Replace("//", "/", StringComparison.Ordinal);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static string Md5(string path) => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));

    /// <summary>Meta's vPDQ sample hashes (frame,quality,pdq,seconds rows) as Safeguard's compact bank value.</summary>
    private static string MetaVpdq(string name) =>
        string.Join(';', File.ReadLines(Path.Combine(TestData.Vpdq, "sample-hashes", name))
            .Select(l => l.Split(',')).Where(p => p.Length == 4).Select(p => $"{p[2]},{p[1]},{p[3]}"));

    private static void Ffmpeg(params string[] args)
    {
        using var ff = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-y", .. args]))!;
        Assert.True(ff.WaitForExit(60_000), "ffmpeg did not finish");
        Assert.Equal(0, ff.ExitCode);
    }

    private static async Task<string> Upload(HttpClient http, string url, string path)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", Path.GetFileName(path));
        using var response = await http.PostAsync(url, form);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url} {Path.GetFileName(path)}: {(int)response.StatusCode} {body}");
        return body;
    }
}
