using Safeguard.Video.Vpdq;

namespace Safeguard.Video.Tests;

/// <summary>The containers the issue names: the same scene in each gives the same vPDQ video.</summary>
public sealed class ContainerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("mkv", new[] { "-c", "copy" })]
    [InlineData("mov", new[] { "-c", "copy" })]
    [InlineData("avi", new[] { "-c:v", "mpeg4", "-q:v", "3" })] // AVI usually holds MPEG-4 Part 2 (Xvid); H.264 with B-frames does not copy cleanly into AVI
    [InlineData("flv", new[] { "-c", "copy" })]
    [InlineData("ts", new[] { "-c", "copy" })]
    [InlineData("webm", new[] { "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "2M" })]
    public void EachContainerDecodesToTheSameVideo(string extension, string[] codec)
    {
        string source = TestData.VpdqFile("videos/pattern-sd-grey-bar.mp4");
        string copy = _dir.File($"pattern.{extension}");
        Ffmpeg.Run(["-i", source, "-an", .. codec, copy]);
        Assert.True(VideoFiles.LooksLikeVideo(copy), $"{extension} not recognised as video");
        var original = VpdqHasher.HashFile(source, new VpdqOptions { ComputeMd5 = false });
        var converted = VpdqHasher.HashFile(copy);
        Assert.Null(converted.Error);
        Assert.NotNull(converted.Md5);
        Assert.InRange(converted.Frames.Count, original.Frames.Count - 1, original.Frames.Count + 1);
        var cmp = VpdqMatcher.Compare(converted.Frames, original.Frames);
        Assert.True(cmp.IsMatch(80, 80), $"{extension}: {cmp}");
    }
}

/// <summary>Fast sampling of long videos decodes two halves at once; the samples must equal one pass's.</summary>
public sealed class SplitDecodingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TwoHalvesGiveExactlyTheSamplesOfOnePass()
    {
        string video = _dir.File("long.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=25", "-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-g", "90", "-pix_fmt", "yuv420p", video);
        Assert.True(25 >= VpdqHasher.MinSplitSeconds);
        var split = VpdqHasher.HashFile(video, new VpdqOptions { Fast = true, ComputeMd5 = false });
        var onePass = VpdqHasher.HashFile(video, new VpdqOptions { Fast = true, ComputeMd5 = false, DecoderThreads = 2 });
        var exact = VpdqHasher.HashFile(video, new VpdqOptions { ComputeMd5 = false });
        Assert.Null(split.Error);
        Assert.Equal(onePass.Frames, split.Frames);
        Assert.Equal(exact.Frames.Count, split.Frames.Count);
        foreach (var (s, e) in split.Frames.Zip(exact.Frames)) Assert.InRange(s.FrameNumber - e.FrameNumber, 0, 3);
    }
}
