using System.Text.Json;
using Safeguard.Hashing.Tmk;
using static Safeguard.Cli.Tests.TmkCliRunner;

namespace Safeguard.Cli.Tests;

/// <summary>`video tmk` and `video hash --signals` through the real program, against Meta's .tmk files.</summary>
public sealed class VideoTmkCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-cli-tmk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The videos Meta made .tmk files of, by name.</summary>
    private static readonly string[] ReferenceNames =
        Directory.GetFiles(TestData.Tmk, "*.tmk").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToArray();

    private static string Video(string name) => TestData.VpdqFile($"videos/{name}.mp4");

    [Fact]
    public void Writes_a_tmk_per_video_that_scores_at_least_0999_against_metas_and_reads_back_byte_for_byte()
    {
        Assert.Equal(7, ReferenceNames.Length);
        var outDir = Path.Combine(_dir, "out");
        var r = Run(["video", "tmk", .. ReferenceNames.Select(Video), "--out", outDir, "--jobs", "2"]);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal(7, r.OutLines.Length);
        foreach (var name in ReferenceNames)
        {
            var path = Path.Combine(outDir, name + ".tmk");
            Assert.Contains($"{Video(name)} -> {path}", r.OutLines);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(TmkFile.StandardBytes, bytes.Length);
            var ours = TmkFile.Read(bytes, path);
            Assert.Equal(bytes, TmkFile.ToBytes(ours));
            var metas = TmkFile.ReadFile(TestData.TmkFile(name + ".tmk"));
            Assert.Equal(metas.FrameFeatureCount, ours.FrameFeatureCount);
            var score = TmkScorer.Score(ours, metas);
            Assert.True(score.Level1 >= 0.999f && score.Level2 >= 0.999f, $"{name}: {score}");
        }
    }

    [Fact]
    public void Two_inputs_with_one_file_name_never_overwrite_each_other()
    {
        var a = Directory.CreateDirectory(Path.Combine(_dir, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(_dir, "b")).FullName;
        File.Copy(Video("doorknob-hd-no-bar"), Path.Combine(a, "clip.mp4"));
        File.Copy(Video("pattern-sd-grey-bar"), Path.Combine(b, "clip.mp4"));
        var outDir = Path.Combine(_dir, "out");
        var r = Run(["video", "tmk", Path.Combine(a, "clip.mp4"), Path.Combine(b, "clip.mp4"), "--out", outDir]);
        Assert.Equal(1, r.Exit);
        Assert.Contains($"safeguard: {Path.Combine(b, "clip.mp4")}: not hashed: {Path.Combine(outDir, "clip.tmk")} is already the output of {Path.Combine(a, "clip.mp4")}", r.Err);
        Assert.Equal(["clip.tmk"], Directory.GetFiles(outDir).Select(Path.GetFileName));
        // The file is the first input's: the doorknob video by Meta's file.
        var written = TmkFile.ReadFile(Path.Combine(outDir, "clip.tmk"));
        Assert.True(TmkScorer.Level1(written, TmkFile.ReadFile(TestData.TmkFile("doorknob-hd-no-bar.tmk"))) >= 0.999f);
    }

    [Fact]
    public void An_output_folder_inside_the_input_folder_is_not_read_as_input_on_the_next_run()
    {
        var videos = Directory.CreateDirectory(Path.Combine(_dir, "videos")).FullName;
        File.Copy(Video("doorknob-hd-no-bar"), Path.Combine(videos, "clip.mp4"));
        var outDir = Path.Combine(videos, "tmk");
        for (int run = 0; run < 2; run++)
        {
            var r = Run(["video", "tmk", videos, "--out", outDir]);
            Assert.True(r.Exit == 0, r.Err);
            Assert.Equal([$"{Path.Combine(videos, "clip.mp4")} -> {Path.Combine(outDir, "clip.tmk")}"], r.OutLines);
        }
        Assert.Equal(["clip.tmk"], Directory.GetFiles(outDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Reads_paths_from_standard_input_with_a_dash()
    {
        var outDir = Path.Combine(_dir, "out");
        var r = Run(["video", "tmk", "-", "--out", outDir], stdin: Video("doorknob-hd-no-bar") + "\n");
        Assert.True(r.Exit == 0, r.Err);
        Assert.True(File.Exists(Path.Combine(outDir, "doorknob-hd-no-bar.tmk")));
    }

    [Fact]
    public void Bad_inputs_are_named_and_the_others_still_written()
    {
        var bad = Directory.CreateDirectory(Path.Combine(_dir, "bad")).FullName;
        var truncated = Path.Combine(bad, "truncated.mp4");
        File.WriteAllBytes(truncated, File.ReadAllBytes(Video("doorknob-hd-no-bar"))[..3000]);
        var empty = Path.Combine(bad, "empty.mp4");
        File.WriteAllBytes(empty, []);
        var jpeg = Directory.EnumerateFiles(TestData.Pdq, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var audio = Path.Combine(bad, "audio.m4a");
        Ffmpeg("-f", "lavfi", "-i", "sine=d=1", audio);
        var garbage = Path.Combine(bad, "garbage.mkv");
        File.WriteAllBytes(garbage, [0x1A, 0x45, 0xDF, 0xA3, .. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919 >> 3))]);
        var missing = Path.Combine(bad, "missing.mp4");
        var good = Video("pattern-sd-grey-bar");
        var outDir = Path.Combine(_dir, "out");

        var r = Run(["video", "tmk", truncated, empty, jpeg, audio, garbage, missing, good, "--out", outDir]);
        Assert.Equal(1, r.Exit);
        var errors = r.Err.Split('\n');
        foreach (var input in new[] { truncated, empty, jpeg, audio, garbage, missing })
            Assert.Contains(errors, l => l.StartsWith($"safeguard: {input}: ", StringComparison.Ordinal));
        Assert.Contains($"safeguard: {empty}: empty file (0 bytes)", errors);
        Assert.Contains(errors, l => l.StartsWith($"safeguard: {jpeg}: a JPEG image, not a video", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.StartsWith($"safeguard: {audio}: no video stream", StringComparison.Ordinal));
        Assert.Equal(["pattern-sd-grey-bar.tmk"], Directory.GetFiles(outDir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_one_frame_video_is_hashed_as_metas_tool_hashes_it_with_a_warning()
    {
        var one = Path.Combine(_dir, "one-frame.mp4");
        Ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=25", "-frames:v", "1", "-pix_fmt", "yuv420p", one);
        var outDir = Path.Combine(_dir, "out");
        var r = Run(["video", "tmk", one, "--out", outDir]);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains($"safeguard: {one}: warning: only one frame at 15 fps", r.Err);
        // Meta's tmk-hash-video writes one frame feature for this clip too.
        var f = TmkFile.ReadFile(Path.Combine(outDir, "one-frame.tmk"));
        Assert.Equal(1, f.FrameFeatureCount);
    }

    [Fact]
    public void Missing_ffmpeg_fails_each_input_by_name()
    {
        var outDir = Path.Combine(_dir, "out");
        var r = Run(["video", "tmk", Video("doorknob-hd-no-bar"), "--out", outDir], new Dictionary<string, string> { ["SAFEGUARD_FFMPEG"] = "/nonexistent/ffmpeg" });
        Assert.Equal(1, r.Exit);
        Assert.Contains($"safeguard: {Video("doorknob-hd-no-bar")}: ffmpeg not found at /nonexistent/ffmpeg", r.Err);
        Assert.Empty(Directory.GetFiles(outDir));
    }

    [Theory]
    [InlineData("--jobs", "0")]
    [InlineData("--stall-timeout", "0")]
    [InlineData("--max-pixels", "-1")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        var r = Run(["video", "tmk", Video("doorknob-hd-no-bar"), "--out", Path.Combine(_dir, "out"), option, value]);
        Assert.Equal(2, r.Exit);
        Assert.Contains(option, r.Err);
    }

    [Fact]
    public void Out_must_be_a_folder()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        var r = Run(["video", "tmk", Video("doorknob-hd-no-bar"), "--out", file]);
        Assert.Equal(2, r.Exit);
        Assert.Contains("is a file", r.Err);
    }

    [Fact]
    public void Video_hash_adds_a_tmk_column_and_field_from_the_same_run()
    {
        var v = Video("doorknob-hd-no-bar");
        var metas = TmkFile.ReadFile(TestData.TmkFile("doorknob-hd-no-bar.tmk"));

        var csv = Run(["video", "hash", "--format", "csv", "--signals", "vpdq,tmk,video_md5", v]);
        Assert.True(csv.Exit == 0, csv.Err);
        var rows = SafeguardProcess.ParseCsv(csv.Out);
        Assert.Equal(["content_id", "video_md5", "vpdq", "tmk"], rows[0]);
        Assert.Equal(v, rows[1][0]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(v))), rows[1][1]);
        Assert.NotEmpty(rows[1][2]);
        var fromCsv = TmkFile.Read(Convert.FromBase64String(rows[1][3]), "csv");
        Assert.True(TmkScorer.Score(fromCsv, metas).Matches(0.999f, 0.999f));

        // The CSV imports as it is: one entry per signal.
        var db = Path.Combine(_dir, "banks.db");
        Assert.Equal(0, Run(["bank", "create", "videos", "--db", db]).Exit);
        var import = Run(["bank", "import", "videos", "-", "--format", "csv", "--db", db], stdin: csv.Out);
        Assert.True(import.Exit == 0, import.Err);
        Assert.Contains("added 3", import.Out);

        var json = Run(["video", "hash", "--format", "jsonl", "--signals", "tmk", v]);
        Assert.True(json.Exit == 0, json.Err);
        var e = JsonDocument.Parse(json.Out).RootElement;
        Assert.False(e.TryGetProperty("vpdq", out _));
        Assert.False(e.TryGetProperty("video_md5", out _));
        Assert.Equal(metas.FrameFeatureCount, e.GetProperty("tmk_frames").GetInt32());
        var fromJson = TmkFile.Read(Convert.FromBase64String(e.GetProperty("tmk").GetString()!), "json");
        Assert.True(TmkScorer.Score(fromJson, metas).Matches(0.999f, 0.999f));
    }

    [Fact]
    public void Video_hash_keeps_its_default_signals_and_refuses_tmk_in_rows()
    {
        var v = Video("doorknob-hd-no-bar");
        var csv = Run(["video", "hash", "--format", "csv", v]);
        Assert.Equal(0, csv.Exit);
        Assert.StartsWith("content_id,video_md5,vpdq\n", csv.Out, StringComparison.Ordinal);

        var rows = Run(["video", "hash", "--signals", "tmk", v]);
        Assert.Equal(2, rows.Exit);
        Assert.Contains("--format rows", rows.Err);
        var unknown = Run(["video", "hash", "--format", "csv", "--signals", "vpdq,sha1", v]);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("sha1 is not a video signal", unknown.Err);
    }
}
