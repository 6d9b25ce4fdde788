using System.Diagnostics;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using SkiaSharp;

namespace Safeguard.Hashing.Tests;

/// <summary>GIF (first frame), BMP and WebP decode to the pixels they hold.</summary>
public class FormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-formats-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private string Write(string name, byte[] bytes)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }

    private static Pdq.PdqResult Hash(string path)
    {
        using var hasher = new FileHasher(new FileHashOptions { Signals = HashSignals.Pdq });
        var r = hasher.HashFile(path);
        Assert.True(r.Error is null, $"{path}: {r.Error}");
        return r.Pdq!.Value;
    }

    [Fact]
    public void LosslessBmpAndWebpHashExactlyLikePng()
    {
        using var bridge = TestImages.LoadBridge();
        using var bmp = TestImages.Resized(bridge, 700, 450);
        var png = Hash(Write("x.png", TestImages.Png(bmp)));
        Assert.Equal(png, Hash(Write("x.bmp", Bmp24(bmp))));
        using var pixmap = bmp.PeekPixels();
        using var webp = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100)) ?? throw new InvalidOperationException();
        Assert.Equal(png, Hash(Write("x.webp", webp.ToArray())));
    }

    [Theory]
    [InlineData("RGB.jpg")]
    [InlineData("F.webp")]
    [InlineData("I.webp")]
    [InlineData("PA.webp")]
    [InlineData("LAB.webp")]
    public void TheReferenceSetsWebpModesStayNearTheOriginal(string file)
    {
        // Lossy re-encodings of the same picture: near the original, far from chance (128).
        var modes = Path.Combine(TestData.Pdq, "misc-images", "modes");
        var original = Hash(Path.Combine(modes, "original.jpg"));
        var other = Hash(Path.Combine(modes, file));
        Assert.True(other.Hash.DistanceTo(original.Hash) <= 31, $"{file}: distance {other.Hash.DistanceTo(original.Hash)}");
    }

    [Fact]
    public void AnAnimatedGifIsHashedByItsFirstFrame()
    {
        using var bridge = TestImages.LoadBridge();
        using var first = TestImages.Resized(bridge, 480, 300);
        using var street = SKBitmap.Decode(Path.Combine(TestData.Pdq, "reg-test-input", "labelme-subset", "q2821.jpg"))!;
        using var second = TestImages.Resized(street, 480, 300);
        string f1 = Write("f1.png", TestImages.Png(first)), f2 = Write("f2.png", TestImages.Png(second));
        string gif = Path.Combine(_dir, "anim.gif");
        // ffmpeg (installed by scripts/ensure-deps.sh) writes a two-frame GIF: the bridge, then a street.
        Run("ffmpeg", "-v", "error", "-y", "-framerate", "1", "-i", Path.Combine(_dir, "f%d.png"), "-loop", "0", gif);
        var fromGif = Hash(gif);
        Assert.True(fromGif.Hash.DistanceTo(Hash(f1).Hash) <= 20, "first frame");
        Assert.True(fromGif.Hash.DistanceTo(Hash(f2).Hash) > 60, "not the second frame");
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{exe} failed: {err}");
    }

    /// <summary>A bottom-up 24-bit BMP, written by hand.</summary>
    private static byte[] Bmp24(SKBitmap bmp)
    {
        int w = bmp.Width, h = bmp.Height, stride = (w * 3 + 3) & ~3;
        var data = new byte[54 + stride * h];
        void I32(int o, int v) => BitConverter.TryWriteBytes(data.AsSpan(o), v);
        data[0] = (byte)'B'; data[1] = (byte)'M';
        I32(2, data.Length); I32(10, 54); I32(14, 40); I32(18, w); I32(22, h);
        data[26] = 1; data[28] = 24; I32(34, stride * h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = bmp.GetPixel(x, y);
                int o = 54 + (h - 1 - y) * stride + 3 * x;
                data[o] = c.Blue; data[o + 1] = c.Green; data[o + 2] = c.Red;
            }
        return data;
    }
}
