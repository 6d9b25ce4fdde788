using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using SkiaSharp;

namespace Safeguard.Hashing.Tests;

/// <summary>--unletterbox, --exif-orientation and --full-resolution.</summary>
public class OptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-options-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static PdqResult HashOf(string path, FileHashOptions options)
    {
        using var hasher = new FileHasher(options with { Signals = HashSignals.Pdq });
        var r = hasher.HashFile(path);
        Assert.Null(r.Error);
        return r.Pdq!.Value;
    }

    [Theory]
    [InlineData(0, 0, 0, 640, 600, 0, 100)]          // black bars top and bottom
    [InlineData(255, 255, 255, 800, 600, 80, 100)]   // white padding all round
    [InlineData(8, 4, 10, 800, 400, 80, 0)]          // near-black pillarbox, as codecs leave it
    public void UnletterboxRecoversTheSourceHash(byte r, byte g, byte b, int width, int height, int left, int top)
    {
        using var bridge = TestImages.LoadBridge();
        using var source = TestImages.Resized(bridge, 640, 400);
        using var boxed = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(boxed))
        {
            canvas.Clear(new SKColor(r, g, b));
            using var img = SKImage.FromBitmap(source);
            canvas.DrawImage(img, left, top, new SKSamplingOptions(SKFilterMode.Nearest), null);
        }
        string sourcePath = Write("source.png", TestImages.Png(source));
        string boxedPath = Write($"boxed-{r}.png", TestImages.Png(boxed));
        var plain = new FileHashOptions();
        var expected = HashOf(sourcePath, plain);
        // Lossless borders around identical pixels: cropping restores the very same hash,
        Assert.Equal(expected, HashOf(boxedPath, plain with { Unletterbox = true }));
        // while without the option the borders move the hash well away.
        Assert.True(HashOf(boxedPath, plain).Hash.DistanceTo(expected.Hash) > 31);
    }

    [Fact]
    public void UnletterboxKeepsAMostlyDarkImage()
    {
        using var dark = new SKBitmap(300, 200, SKColorType.Rgba8888, SKAlphaType.Opaque);
        dark.Erase(SKColors.Black);
        var pixels = dark.Bytes;
        var view = new PixelView(pixels, 300, 200, 1200, PixelLayout.Rgba8888);
        var (_, _, w, h) = Unletterbox.FindContent(view);
        Assert.True(w >= 30 && h >= 20, $"cropped to {w}x{h}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void ExifOrientationIsAppliedOnlyWhenAsked(int orientation)
    {
        using var bridge = TestImages.LoadBridge();
        using var upright = TestImages.Resized(bridge, 800, 502);
        using var stored = TestImages.StoredForOrientation(upright, orientation);
        string uprightPath = Write("upright.png", TestImages.Png(upright));
        string taggedPath = Write($"tagged-{orientation}.jpg", TestImages.WithExifOrientation(TestImages.Jpeg(stored, 95), orientation));

        var expected = HashOf(uprightPath, new FileHashOptions());
        var applied = HashOf(taggedPath, new FileHashOptions { Decode = new DecodeOptions { ApplyExifOrientation = true } });
        var ignored = HashOf(taggedPath, new FileHashOptions());
        Assert.True(applied.Hash.DistanceTo(expected.Hash) <= 10, $"with orientation: distance {applied.Hash.DistanceTo(expected.Hash)}");
        Assert.True(ignored.Hash.DistanceTo(expected.Hash) > 31, $"ignoring orientation: distance {ignored.Hash.DistanceTo(expected.Hash)}");
    }

    [Fact]
    public void FullResolutionHashesTheWholeDecode()
    {
        // Above 512 px the two sizings differ; the full-resolution hash equals the plain
        // implementation run on every decoded pixel.
        var path = Path.Combine(TestData.Pdq, "bridge-mods", "aaa-orig.jpg");
        using var decoder = new ImageDecoder();
        var view = decoder.Decode(File.ReadAllBytes(path));
        var luma = new float[view.Width * view.Height];
        for (int y = 0; y < view.Height; y++)
            for (int x = 0; x < view.Width; x++)
            {
                int o = y * view.RowBytes + 4 * x;
                luma[y * view.Width + x] = NaivePdq.Luma(view.Data[o], view.Data[o + 1], view.Data[o + 2]);
            }
        var expected = NaivePdq.HashLuma(luma, view.Height, view.Width);
        var full = HashOf(path, new FileHashOptions { Sizing = PdqSizing.FullResolution });
        Assert.Equal(expected.Hash, full.Hash.ToString());
        Assert.True(full.Hash.DistanceTo(HashOf(path, new FileHashOptions()).Hash) <= 10);
    }
}
