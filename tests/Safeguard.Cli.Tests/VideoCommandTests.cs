using System.Diagnostics;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>The video commands through the real binary: hash, bank import of video signals, match, watch.</summary>
public sealed class VideoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-cli-video-").FullName;
    private string Db => Path.Combine(_dir, "banks.db");
    private static readonly string Videos = Path.Combine(TestData.Vpdq, "videos");
    private static readonly string Samples = Path.Combine(TestData.Vpdq, "sample-hashes");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--db");
        psi.ArgumentList.Add(Db);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); Assert.Fail("safeguard did not finish"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Hash_handles_videos_beside_images_and_carries_on_past_bad_ones()
    {
        var folder = Path.Combine(_dir, "media");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Videos, "pattern-sd-grey-bar.mp4"), Path.Combine(folder, "a-video.mp4"));
        File.Copy(TestData.PdqFile(Path.Combine("misc-images", "c.png")), Path.Combine(folder, "b-image.png"));
        var bytes = File.ReadAllBytes(Path.Combine(Videos, "pattern-sd-grey-bar.mp4"));
        File.WriteAllBytes(Path.Combine(folder, "c-truncated.mp4"), bytes[..4096]);
        File.WriteAllBytes(Path.Combine(folder, "d-empty.mp4"), []);
        var r = Run("hash", "--format", "jsonl", folder);
        Assert.Equal(1, r.Exit);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var video = lines.Single(l => l.GetProperty("path").GetString()!.EndsWith("a-video.mp4"));
        Assert.Equal("video", video.GetProperty("kind").GetString());
        Assert.Equal(7, video.GetProperty("vpdq_frames").GetInt32());
        Assert.Equal(video.GetProperty("md5").GetString(), video.GetProperty("video_md5").GetString());
        Assert.Contains(lines, l => l.GetProperty("path").GetString()!.EndsWith("b-image.png") && l.TryGetProperty("pdq", out _));
        Assert.Contains("c-truncated.mp4", r.Err);
    }

    [Fact]
    public void Video_hash_rows_line_up_with_metas_every_frame_file()
    {
        var r = Run("video", "hash", "--every-frame", Path.Combine(Videos, "pattern-sd-grey-bar.mp4"));
        Assert.Equal(0, r.Exit);
        var ours = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        var meta = File.ReadAllLines(Path.Combine(Samples, "pattern-sd-grey-bar.txt")).Select(l => l.Split(',')).ToList();
        Assert.Equal(meta.Count, ours.Count);
        Assert.Equal(meta.Select(m => (m[0], m[3])), ours.Select(o => (o[0], o[3])));
        // 99% of this video's frames hash identically to Meta's in the library tests.
        Assert.True(meta.Zip(ours).Count(p => p.First[2] == p.Second[2]) >= meta.Count * 0.9);
    }

    [Fact]
    public void Banked_videos_and_frames_match_with_timestamps()
    {
        Assert.Equal(0, Run("bank", "create", "videos").Exit);
        var csv = Run("video", "hash", "--format", "csv", Path.Combine(Videos, "chair-orig-22-sd-bar.mp4"));
        Assert.Equal(0, csv.Exit);
        var list = Path.Combine(_dir, "videos.csv");
        File.WriteAllText(list, csv.Out);
        var import = Run("bank", "import", "videos", list);
        Assert.Equal(0, import.Exit);
        Assert.Contains("added 2", import.Out);

        // A PDQ entry: Meta's hash of the best-quality frame at 3 s of the doorknob video.
        var row = File.ReadLines(Path.Combine(Samples, "doorknob-hd-no-bar.txt")).Select(l => l.Split(','))
            .Where(p => int.Parse(p[0]) % 30 == 0).MaxBy(p => int.Parse(p[1]))!;
        Assert.Equal(0, Run("bank", "add", "videos", $"pdq:{row[2]}", "--content-id", "door-frame").Exit);

        var r = Run("video", "match", Path.Combine(Videos, "chair-22-sd-grey-bar.mp4"), Path.Combine(Videos, "doorknob-hd-no-bar.mp4"),
            Path.Combine(Videos, "pattern-hd-no-bar.mp4"), Path.Combine(_dir, "missing.mp4"));
        Assert.Equal(1, r.Exit);
        Assert.Contains("missing.mp4", r.Err);
        var results = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, results.Count);
        Assert.True(results[0].GetProperty("matched").GetBoolean());
        Assert.Equal("vpdq", results[0].GetProperty("videos")[0].GetProperty("entry").GetProperty("signal_type").GetString());
        var frame = results[1].GetProperty("frame_matches")[0];
        Assert.Equal("door-frame", frame.GetProperty("entry").GetProperty("content_id").GetString());
        Assert.Contains(double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture),
            frame.GetProperty("timestamps").EnumerateArray().Select(t => t.GetDouble()));
        Assert.False(results[2].GetProperty("matched").GetBoolean());

        // The exact signal: the same file's MD5.
        var exact = Run("video", "match", Path.Combine(Videos, "chair-orig-22-sd-bar.mp4"));
        Assert.Equal("video_md5", JsonDocument.Parse(exact.Out).RootElement.GetProperty("exact")[0].GetProperty("signal_type").GetString());

        var export = Run("bank", "export", "videos", "-");
        Assert.Contains("vpdq ", export.Out);
        Assert.Contains("video_md5 ", export.Out);
    }

    [Fact]
    public void Match_and_scan_handle_videos_beside_images()
    {
        Assert.Equal(0, Run("bank", "create", "mixed").Exit);
        var csv = Run("video", "hash", "--format", "csv", Path.Combine(Videos, "chair-orig-22-sd-bar.mp4"));
        var list = Path.Combine(_dir, "v.csv");
        File.WriteAllText(list, csv.Out);
        Assert.Equal(0, Run("bank", "import", "mixed", list).Exit);
        var row = File.ReadLines(Path.Combine(Samples, "pattern-hd-no-bar.txt")).First().Split(',');
        Assert.Equal(0, Run("bank", "add", "mixed", $"pdq:{row[2]}", "--content-id", "pattern-frame").Exit);

        var media = Path.Combine(_dir, "media");
        Directory.CreateDirectory(media);
        File.Copy(Path.Combine(Videos, "chair-22-sd-grey-bar.mp4"), Path.Combine(media, "reencode.mp4"));
        File.Copy(Path.Combine(Videos, "chair-orig-22-sd-bar.mp4"), Path.Combine(media, "same-file.mp4"));
        File.Copy(Path.Combine(Videos, "pattern-hd-no-bar.mp4"), Path.Combine(media, "pattern.mp4"));
        File.Copy(Path.Combine(Videos, "doorknob-hd-no-bar.mp4"), Path.Combine(media, "other.mp4"));
        File.WriteAllBytes(Path.Combine(media, "broken.mp4"), File.ReadAllBytes(Path.Combine(Videos, "doorknob-hd-no-bar.mp4"))[..2000]);
        File.Copy(TestData.PdqFile(Path.Combine("misc-images", "c.png")), Path.Combine(media, "image.png"));

        var match = Run("match", media, "--format", "jsonl");
        Assert.Equal(1, match.Exit);
        Assert.Contains("broken.mp4", match.Err);
        var hits = match.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Path.GetFileName(e.GetProperty("path").GetString()), e.GetProperty("signal_type").GetString())).ToList();
        Assert.Contains(("reencode.mp4", "vpdq"), hits);
        Assert.Contains(("same-file.mp4", "video_md5"), hits);
        Assert.Contains(("same-file.mp4", "vpdq"), hits);
        Assert.Contains(("pattern.mp4", "pdq"), hits);
        Assert.DoesNotContain(hits, h => h.Item1 is "other.mp4" or "image.png");

        var outDir = Path.Combine(_dir, "scan-out");
        var scan = Run("scan", media, "--out", outDir);
        Assert.Equal(1, scan.Exit);
        var files = File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => Path.GetFileName(e.GetProperty("path").GetString()!), e => e);
        Assert.Equal(6, files.Count);
        Assert.Contains(files["reencode.mp4"].GetProperty("matches").EnumerateArray(), m => m.GetProperty("signal_type").GetString() == "vpdq");
        Assert.Contains(files["pattern.mp4"].GetProperty("matches").EnumerateArray(), m => m.GetProperty("content_id").GetString() == "pattern-frame");
        Assert.Empty(files["other.mp4"].GetProperty("matches").EnumerateArray());
    }

    [Fact]
    public void Videos_inside_archives_get_vpdq_and_frame_matches_say_when()
    {
        Assert.Equal(0, Run("bank", "create", "frames").Exit);
        // Meta's hash of a good frame well inside a 30 fps clip whose seconds all look different
        // (frame 240, at 8 s, is over 100 bits from every other whole second).
        var row = File.ReadLines(Path.Combine(Samples, "chair-19-sd-bar.txt")).Select(l => l.Split(','))
            .Where(p => int.Parse(p[0]) % 30 == 0 && int.Parse(p[0]) is >= 240 and <= 400).MaxBy(p => int.Parse(p[1]))!;
        double bankedAt = double.Parse(row[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, Run("bank", "add", "frames", $"pdq:{row[2]}", "--content-id", "chair-frame").Exit);

        var media = Path.Combine(_dir, "media");
        Directory.CreateDirectory(media);
        var video = File.ReadAllBytes(Path.Combine(Videos, "chair-19-sd-bar.mp4"));
        using (var zip = System.IO.Compression.ZipFile.Open(Path.Combine(media, "clips.zip"), System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var e = zip.CreateEntry("clips/chair.mp4").Open()) e.Write(video);
            using (var e = zip.CreateEntry("clips/cut.mp4").Open()) e.Write(video.AsSpan(0, 2000));
        }

        // The same clip on disk, through match: the row names the frame that matched and its time.
        var match = Run("match", Path.Combine(Videos, "chair-19-sd-bar.mp4"), "--format", "jsonl");
        Assert.Equal(0, match.Exit);
        var hit = JsonDocument.Parse(match.Out).RootElement;
        Assert.Equal("chair-frame", hit.GetProperty("content_id").GetString());
        double at = hit.GetProperty("frame_seconds").GetDouble();
        Assert.Equal(bankedAt, at); // sampled once a second, on whole seconds
        // Every other second of this clip is far from the banked frame, so it is the only time.
        Assert.Equal([at], hit.GetProperty("frame_times").EnumerateArray().Select(t => t.GetDouble()));
        Assert.Equal(hit.GetProperty("distance").GetInt32(), Hamming(hit.GetProperty("query").GetString()!, row[2]));

        var outDir = Path.Combine(_dir, "out");
        var scan = Run("scan", media, "--out", outDir);
        Assert.Equal(1, scan.Exit); // the cut-short member
        var files = File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => Path.GetFileName(e.GetProperty("path").GetString()!.Split("!/")[^1]), e => e);
        var member = Assert.Single(files["chair.mp4"].GetProperty("matches").EnumerateArray());
        Assert.Equal("chair-frame", member.GetProperty("content_id").GetString());
        Assert.Equal(at, member.GetProperty("frame_seconds").GetDouble());
        Assert.Equal([at], member.GetProperty("frame_times").EnumerateArray().Select(t => t.GetDouble()));
        Assert.Contains("video", files["cut.mp4"].GetProperty("error").GetString());
        Assert.False(files["clips.zip"].TryGetProperty("error", out _));
    }

    private static int Hamming(string a, string b) =>
        Enumerable.Range(0, 16).Sum(i => System.Numerics.BitOperations.PopCount(
            Convert.ToUInt32(a.Substring(i * 4, 4), 16) ^ Convert.ToUInt32(b.Substring(i * 4, 4), 16)));

    [Fact]
    public void Watch_a_file_alerts_on_a_banked_frame_and_a_missing_source_fails_clearly()
    {
        var created = Run("bank", "create", "frames");
        Assert.True(created.Exit == 0, created.Err);
        // Meta's hash of frame 90 (3 s) of a slowly moving clip; sampling at 2 fps takes frame 90.
        var row = File.ReadLines(Path.Combine(Samples, "chair-orig-22-sd-bar.txt")).Select(l => l.Split(',')).First(p => p[0] == "90");
        Assert.Equal(0, Run("bank", "add", "frames", $"pdq:{row[2]}", "--content-id", "chair-3s").Exit);
        var r = Run("watch", Path.Combine(Videos, "chair-orig-22-sd-bar.mp4"), "--bank", "frames", "--rate", "2", "--scene", "0");
        Assert.True(r.Exit == 0, r.Err);
        var alert = JsonDocument.Parse(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]).RootElement;
        Assert.Equal("alert", alert.GetProperty("type").GetString());
        Assert.Equal("chair-3s", alert.GetProperty("entry").GetProperty("content_id").GetString());
        Assert.InRange(alert.GetProperty("stream_time").GetDouble(), 0, 22.5);
        Assert.Contains(r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("stream_time").GetDouble()),
            t => Math.Abs(t - 3.0) < 0.01);

        var missing = Run("watch", Path.Combine(_dir, "nope.mp4"), "--bank", "frames", "--stall-timeout", "3");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("nope.mp4", missing.Err);
    }

    [Fact]
    public void Watch_with_a_rolling_tmk_alerts_on_the_banked_videos_of_the_same_scene()
    {
        Assert.Equal(0, Run("bank", "create", "tmk-videos").Exit);
        string Tmk(string name) => TestData.TmkFile(name);
        // Meta's files: chair-orig matches the watched chair-19 at 0.95/0.96 (pair-scores.txt); the pattern does not.
        var add = Run("bank", "add", "tmk-videos", Tmk("chair-orig-22-sd-bar.tmk"), "--content-id", "chair");
        Assert.True(add.Exit == 0, add.Err);
        Assert.Equal(0, Run("bank", "add", "tmk-videos", Tmk("pattern-hd-no-bar.tmk"), "--content-id", "pattern").Exit);
        var r = Run("watch", Path.Combine(Videos, "chair-19-sd-bar.mp4"), "--bank", "tmk-videos", "--rate", "1", "--scene", "0",
            "--tmk-window", "300", "--tmk-interval", "10");
        Assert.True(r.Exit == 0, r.Err);
        var alerts = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "tmk_alert").ToList();
        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.Equal("chair", a.GetProperty("entry").GetProperty("content_id").GetString()));
        // The last window is the whole clip (284 frames at 15 fps): Meta's pair score for chair-19 and chair-orig.
        var last = alerts[^1];
        Assert.Equal(18.933, last.GetProperty("window_seconds").GetDouble(), 0.001);
        Assert.Equal(0.952329, last.GetProperty("tmk_level1").GetDouble(), 0.0005);
        Assert.Equal(0.961902, last.GetProperty("tmk_level2").GetDouble(), 0.0005);
        Assert.Equal(2, Run("watch", Path.Combine(Videos, "chair-19-sd-bar.mp4"), "--tmk-window", "-5").Exit);
    }
}
