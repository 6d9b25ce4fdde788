using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using Safeguard.Video.Ffmpeg;

namespace Safeguard.Video.Tests;

/// <summary>One frame read at a time: the right frame (against Meta's per-frame hashes), and clear failures.</summary>
public sealed class VideoStillTests
{
    private static Hash256 MetaFrameHash(string video, int frame) => Hash256.Parse(
        File.ReadLines(TestData.VpdqFile($"sample-hashes/{video}.txt")).First(l => l.StartsWith(frame + ",", StringComparison.Ordinal)).Split(',')[2]);

    [Fact]
    public void Frame_at_a_time_is_the_frame_meta_hashed_at_that_time()
    {
        var still = VideoStill.ReadAt(TestData.VpdqFile("videos/chair-19-sd-bar.mp4"), 8.0, TimeSpan.FromSeconds(30));
        using var hasher = new PdqHasher();
        var hash = hasher.Hash(new PixelView(still.Rgba, still.Width, still.Height, still.Width * 4, PixelLayout.Rgba8888), PdqSizing.FullResolution).Hash;
        // Frame 240 is 8.000 s at 30 fps; the frames a second either side are far from it, so this tells them apart.
        Assert.InRange(hash.DistanceTo(MetaFrameHash("chair-19-sd-bar", 240)), 0, 16);
        Assert.True(MetaFrameHash("chair-19-sd-bar", 210).DistanceTo(MetaFrameHash("chair-19-sd-bar", 240)) > 32);
        Assert.InRange(hash.DistanceTo(MetaFrameHash("chair-19-sd-bar", 210)), 33, 256);

        var png = still.ToPng();
        Assert.Equal(0x89, png[0]);
        using var decoded = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((still.Width, still.Height), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void Time_past_the_end_or_a_truncated_file_is_a_video_error()
    {
        var path = TestData.VpdqFile("videos/chair-19-sd-bar.mp4");
        var ex = Assert.Throws<VideoException>(() => VideoStill.ReadAt(path, 500, TimeSpan.FromSeconds(30)));
        Assert.Contains("no frame at 500", ex.Message);

        var truncated = File.ReadAllBytes(path)[..2000];
        using var file = MemoryFile.Create("truncated", truncated);
        Assert.Throws<VideoException>(() => VideoStill.ReadAt(file.Path, 8, TimeSpan.FromSeconds(30)));
        Assert.Throws<ArgumentOutOfRangeException>(() => VideoStill.ReadAt(path, double.NaN, TimeSpan.FromSeconds(30)));
    }
}
