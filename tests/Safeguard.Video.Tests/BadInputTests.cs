using System.Diagnostics;
using Safeguard.Video.Vpdq;

namespace Safeguard.Video.Tests;

/// <summary>Corrupt, truncated, empty, audio-only and hostile inputs: a clear error, quickly, never a hang.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static VideoHashResult HashQuickly(string path, VpdqOptions? options = null)
    {
        var sw = Stopwatch.StartNew();
        var r = VpdqHasher.HashFile(path, options ?? new VpdqOptions { StallTimeout = TimeSpan.FromSeconds(20), ProbeTimeout = TimeSpan.FromSeconds(20) });
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed}");
        return r;
    }

    [Fact]
    public void ZeroLengthFile()
    {
        var path = _dir.File("empty.mp4");
        File.WriteAllBytes(path, []);
        Assert.Contains("empty", HashQuickly(path).Error);
    }

    [Fact]
    public void MissingFile() => Assert.NotNull(HashQuickly(_dir.File("nope.mp4")).Error);

    [Fact]
    public void GarbageBytes()
    {
        var path = _dir.File("garbage.mp4");
        var bytes = new byte[200_000];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        Assert.NotNull(HashQuickly(path).Error);
    }

    [Fact]
    public void TruncatedVideoHashesWhatIsThereOrFailsClearly()
    {
        var source = File.ReadAllBytes(TestData.VpdqFile("videos/pattern-sd-grey-bar.mp4"));
        var path = _dir.File("truncated.mp4");
        File.WriteAllBytes(path, source[..(source.Length / 2)]);
        var r = HashQuickly(path);
        // An MP4 cut in half has lost its index (moov at the end) or its last frames: either way no crash.
        if (r.Error is null) Assert.NotEmpty(r.Frames);
    }

    [Fact]
    public void CorruptMiddleStillDecodesOrFailsClearly()
    {
        var bytes = File.ReadAllBytes(TestData.VpdqFile("videos/chair-19-sd-bar.mp4"));
        var rng = new Random(3);
        for (int i = bytes.Length / 3; i < bytes.Length * 2 / 3; i += 997) bytes[i] = (byte)rng.Next(256);
        var path = _dir.File("corrupt.mp4");
        File.WriteAllBytes(path, bytes);
        var r = HashQuickly(path);
        if (r.Error is null) Assert.NotEmpty(r.Frames);
    }

    [Fact]
    public void AudioOnlyFile()
    {
        var path = _dir.File("tone.m4a");
        Ffmpeg.Run("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", path);
        Assert.Contains("no video stream", HashQuickly(path).Error);
    }

    [Fact]
    public void AbsurdDimensionsAreRefusedBeforeDecoding()
    {
        var path = _dir.File("big.mkv");
        Ffmpeg.Run("-f", "lavfi", "-i", "color=c=gray:size=640x480:duration=1:rate=5", "-c:v", "ffv1", path);
        var r = HashQuickly(path, new VpdqOptions { MaxPixels = 100_000 });
        Assert.Contains("exceeds the limit", r.Error);
    }

    [Fact]
    public void MissingFfmpegIsAClearError()
    {
        var saved = Environment.GetEnvironmentVariable("SAFEGUARD_FFPROBE");
        Environment.SetEnvironmentVariable("SAFEGUARD_FFPROBE", "/nonexistent/ffprobe");
        try
        {
            var r = VpdqHasher.HashFile(TestData.VpdqFile("videos/pattern-sd-grey-bar.mp4"));
            Assert.Contains("ffprobe not found", r.Error);
            Assert.Contains("apt-get install ffmpeg", r.Error);
        }
        finally { Environment.SetEnvironmentVariable("SAFEGUARD_FFPROBE", saved); }
    }
}

/// <summary>Runs ffmpeg to make test media.</summary>
public static class Ffmpeg
{
    private static readonly string[] QuietFfmpeg = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"];

    public static void Run(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in QuietFfmpeg.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("ffmpeg test-media generation timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {err.Result}");
    }
}
