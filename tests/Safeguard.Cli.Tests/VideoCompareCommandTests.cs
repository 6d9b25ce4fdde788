using System.Globalization;
using System.Text.Json;
using static Safeguard.Cli.Tests.TmkCliRunner;

namespace Safeguard.Cli.Tests;

/// <summary>`video compare` through the real program, against Meta's pair scores (pair-scores.txt).</summary>
public sealed class VideoCompareCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-cli-compare-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Video(string name) => TestData.VpdqFile($"videos/{name}.mp4");

    /// <summary>Meta's level-1 and level-2 scores by the pair's two names (without extension), both orders.</summary>
    private static Dictionary<(string, string), (double Level1, double Level2)> MetaScores()
    {
        var scores = new Dictionary<(string, string), (double, double)>();
        foreach (var line in File.ReadLines(TestData.TmkFile("pair-scores.txt")).Where(l => l.Trim().Length > 0))
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var value = (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture));
            string a = Path.GetFileNameWithoutExtension(p[2]), b = Path.GetFileNameWithoutExtension(p[3]);
            scores[(a, b)] = value;
            scores[(b, a)] = value;
        }
        return scores;
    }

    private static string NameOf(string input) => Path.GetFileNameWithoutExtension(input);

    [Fact]
    public void Every_pair_of_mixed_videos_and_tmk_files_scores_as_metas_within_0001_with_the_same_decision()
    {
        var meta = MetaScores();
        Assert.Equal(42, meta.Count);
        // Alternately Meta's .tmk file and the video itself: every kind of pair occurs.
        var names = Directory.GetFiles(TestData.Tmk, "*.tmk").Select(NameOf).Order(StringComparer.Ordinal).ToList();
        var inputs = names.Select((n, i) => i % 2 == 0 ? TestData.TmkFile(n + ".tmk") : Video(n)).ToList();
        var r = Run(["video", "compare", .. inputs]);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal(21, r.OutLines.Length);
        var seen = new HashSet<(string, string)>();
        foreach (var line in r.OutLines)
        {
            var p = line.Split(' ');
            Assert.Equal(5, p.Length);
            var (level1, level2) = meta[(NameOf(p[3]), NameOf(p[4]))];
            Assert.InRange(double.Parse(p[0], CultureInfo.InvariantCulture), level1 - 0.001, level1 + 0.001);
            Assert.InRange(double.Parse(p[1], CultureInfo.InvariantCulture), level2 - 0.001, level2 + 0.001);
            Assert.Equal(level1 >= 0.7 && level2 >= 0.7 ? "match" : "no-match", p[2]);
            Assert.True(seen.Add((NameOf(p[3]), NameOf(p[4]))));
        }
    }

    [Fact]
    public void Json_output_and_thresholds_follow_metas_scores()
    {
        var meta = MetaScores();
        var tmks = Directory.GetFiles(TestData.Tmk, "*.tmk").Order(StringComparer.Ordinal).ToArray();
        var r = Run(["video", "compare", .. tmks, "--format", "json", "--level1", "0.99", "--level2", "0.99"]);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal(21, r.OutLines.Length);
        int matches = 0;
        foreach (var line in r.OutLines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            var (level1, level2) = meta[(NameOf(e.GetProperty("a").GetString()!), NameOf(e.GetProperty("b").GetString()!))];
            // Meta's own files: the scores are Meta's to the printed six decimals.
            Assert.Equal(level1, e.GetProperty("level1").GetDouble(), 6);
            Assert.Equal(level2, e.GetProperty("level2").GetDouble(), 6);
            bool expected = level1 >= 0.99 && level2 >= 0.99;
            Assert.Equal(expected, e.GetProperty("match").GetBoolean());
            Assert.Equal(0.99, e.GetProperty("level1_threshold").GetDouble(), 6);
            if (expected) matches++;
        }
        Assert.Equal(1, matches); // only chair-22 against chair-orig-22 reaches 0.99 at both levels
    }

    [Fact]
    public void Two_inputs_that_do_not_match_still_exit_0()
    {
        var r = Run(["video", "compare", TestData.TmkFile("doorknob-hd-no-bar.tmk"), TestData.TmkFile("pattern-hd-no-bar.tmk")]);
        Assert.Equal(0, r.Exit);
        Assert.StartsWith("-0.005783 0.021583 no-match ", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_inputs_are_named_exit_1_and_the_other_pairs_still_print()
    {
        var meta = File.ReadAllBytes(TestData.TmkFile("chair-19-sd-bar.tmk"));
        var truncated = Path.Combine(_dir, "truncated.tmk");
        File.WriteAllBytes(truncated, meta[..(meta.Length - 100)]);
        var otherAlgorithm = Path.Combine(_dir, "other-algorithm.tmk");
        var patched = (byte[])meta.Clone();
        "ABCD"u8.CopyTo(patched.AsSpan(8, 4));
        File.WriteAllBytes(otherAlgorithm, patched);
        var empty = Path.Combine(_dir, "empty.tmk");
        File.WriteAllBytes(empty, []);
        var emptyVideo = Path.Combine(_dir, "empty.mp4");
        File.WriteAllBytes(emptyVideo, []);
        var audio = Path.Combine(_dir, "audio.m4a");
        Ffmpeg("-f", "lavfi", "-i", "sine=d=1", audio);
        var a = TestData.TmkFile("chair-19-sd-bar.tmk");
        var b = TestData.TmkFile("chair-20-sd-bar.tmk");

        var folder = Directory.CreateDirectory(Path.Combine(_dir, "folder")).FullName;

        var r = Run(["video", "compare", a, truncated, otherAlgorithm, empty, emptyVideo, audio, folder, b]);
        Assert.Equal(1, r.Exit);
        var errors = r.Err.Split('\n');
        Assert.Contains($"safeguard: {truncated}: truncated ({meta.Length - 100} of {meta.Length} bytes)", errors);
        Assert.Contains($"safeguard: {otherAlgorithm}: frame algorithm 'ABCD' is not supported (only PDQF)", errors);
        Assert.Contains(errors, l => l.StartsWith($"safeguard: {empty}: 0 bytes is too short", StringComparison.Ordinal));
        Assert.Contains($"safeguard: {emptyVideo}: empty file (0 bytes)", errors);
        Assert.Contains(errors, l => l.StartsWith($"safeguard: {audio}: no video stream", StringComparison.Ordinal));
        Assert.Contains($"safeguard: {folder}: a folder, not a video", errors);
        Assert.Equal([$"0.989083 0.991138 match {a} {b}"], r.OutLines);
    }

    [Fact]
    public void Missing_ffmpeg_names_the_video()
    {
        var v = Video("doorknob-hd-no-bar");
        var r = Run(["video", "compare", v, TestData.TmkFile("doorknob-hd-no-bar.tmk")], new Dictionary<string, string> { ["SAFEGUARD_FFMPEG"] = "/nonexistent/ffmpeg" });
        Assert.Equal(1, r.Exit);
        Assert.Contains($"safeguard: {v}: ffmpeg not found at /nonexistent/ffmpeg", r.Err);
        Assert.Empty(r.Out);
    }

    [Theory]
    [InlineData("--level1", "1.5")]
    [InlineData("--level2", "nan")]
    [InlineData("--jobs", "0")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var r = Run(["video", "compare", TestData.TmkFile("chair-19-sd-bar.tmk"), TestData.TmkFile("chair-20-sd-bar.tmk"), option, value]);
        Assert.Equal(2, r.Exit);
        Assert.Contains(option, r.Err);
    }

    [Fact]
    public void One_input_is_a_usage_error()
    {
        var r = Run(["video", "compare", TestData.TmkFile("chair-19-sd-bar.tmk")]);
        Assert.Equal(2, r.Exit);
    }
}
