using System.Diagnostics;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Imaging.Jpeg;
using Safeguard.Hashing.Pdq;
using SkiaSharp;

namespace Safeguard.Hashing.Tests;

/// <summary>
/// Every kind of JPEG the hasher meets, made by libjpeg-turbo's cjpeg from a real photo:
/// the pixels the hash path decodes equal djpeg's full decode pixel for pixel, and the PDQ
/// hash equals the one computed from djpeg's pixels, by the hasher and by the naive PDQ.
/// Kinds the library cannot decode are refused with a message that says what they are.
/// </summary>
public class JpegKindTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-jpeg-kinds-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    public static TheoryData<string, int, int> Kinds() => new()
    {
        { "420", 1201, 803 }, { "422", 1199, 641 }, { "444", 999, 777 }, { "440", 1025, 601 }, { "411", 1203, 700 },
        { "grey", 1001, 667 }, { "progressive", 1201, 803 }, { "progressive444", 999, 777 },
        { "arithmetic", 1201, 803 }, { "arithmetic-progressive", 1103, 709 }, { "restart", 1201, 803 },
        { "cmyk", 1201, 803 }, { "cmyk-small", 301, 203 }, { "cmyk-grey", 1001, 667 }, { "large", 5477, 3701 },
    };

    private static string[] CjpegArgs(string kind) => kind switch
    {
        "420" or "large" => ["-sample", "2x2,1x1,1x1"],
        "422" => ["-sample", "2x1,1x1,1x1"],
        "444" => ["-sample", "1x1,1x1,1x1"],
        "440" => ["-sample", "1x2,1x1,1x1"],
        "411" => ["-sample", "4x1,1x1,1x1"],
        "grey" => ["-grayscale"],
        "progressive" => ["-sample", "2x2,1x1,1x1", "-progressive"],
        "progressive444" => ["-sample", "1x1,1x1,1x1", "-progressive"],
        "arithmetic" => ["-sample", "2x2,1x1,1x1", "-arithmetic"],
        "arithmetic-progressive" => ["-sample", "2x1,1x1,1x1", "-arithmetic", "-progressive"],
        "restart" => ["-sample", "2x2,1x1,1x1", "-restart", "3"],
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheHashPathDecodesAsDjpegAndHashesItsPixels(string kind, int width, int height)
    {
        string jpegPath = Path.Combine(_dir, $"{kind}.jpg");
        using (var bridge = TestImages.LoadBridge())
        using (var photo = TestImages.Resized(bridge, width, height))
        {
            if (kind.StartsWith("cmyk", StringComparison.Ordinal)) File.WriteAllBytes(jpegPath, Cmyk(photo, grey: kind == "cmyk-grey"));
            else Cjpeg(photo, CjpegArgs(kind), jpegPath);
        }
        var reference = Djpeg(jpegPath);
        Assert.Equal((width, height), (reference.Width, reference.Height));
        byte[] jpeg = File.ReadAllBytes(jpegPath);

        // The pixels of the decode the hash path takes: planes from the system library for
        // YCbCr and greyscale in the usual layouts, CMYK pixels for CMYK, the full decoder
        // otherwise (4:1:1). The full decoder, the fallback for all, must agree as well.
        bool cmyk = kind.StartsWith("cmyk", StringComparison.Ordinal);
        using var decoder = new ImageDecoder();
        bool planar = decoder.TryDecodeJpegPlanes(jpeg, out var planes);
        Assert.Equal(!cmyk && kind != "411", planar);
        if (planar) AssertSamePixels(reference, decoder.ToPixels(planes, greyIfNeutral: false), kind);
        using (var full = new ImageDecoder(new DecodeOptions { UseSystemJpeg = false }))
            AssertSamePixels(reference, full.Decode(jpeg), kind);
        Assert.Equal(cmyk, decoder.TryDecodeJpegCmyk(jpeg, out var inks));
        if (cmyk)
        {
            Assert.Equal(kind == "cmyk-grey" ? PixelLayout.Gray8 : PixelLayout.InvertedCmyk8888, inks.Layout);
            AssertSamePixels(reference, inks, kind);
        }

        using var hasher = new FileHasher(new FileHashOptions { Signals = HashSignals.Pdq });
        var result = hasher.HashFile(jpegPath);
        Assert.Null(result.Error);
        var (fromReference, naive) = HashesOf(reference);
        Assert.Equal(fromReference, result.Pdq);
        Assert.Equal(naive.Hash, result.Pdq!.Value.Hash.ToString());
        Assert.Equal(naive.Quality, result.Pdq!.Value.Quality);
    }

    [Theory]
    [InlineData(0xC3, 8, "lossless JPEG")]
    [InlineData(0xC3, 12, "lossless JPEG")]
    [InlineData(0xC1, 12, "12-bit JPEG")]
    [InlineData(0xC2, 12, "12-bit JPEG")]
    [InlineData(0xC5, 8, "hierarchical JPEG")]
    public void KindsTheLibraryCannotDecodeAreRefusedByName(byte marker, byte precision, string expected)
    {
        using var bridge = TestImages.LoadBridge();
        using var photo = TestImages.Resized(bridge, 64, 48);
        string source = Path.Combine(_dir, "baseline.jpg");
        Cjpeg(photo, ["-sample", "2x2,1x1,1x1"], source);
        byte[] jpeg = File.ReadAllBytes(source);
        int sof = FrameMarkerOffset(jpeg);
        jpeg[sof + 1] = marker;
        jpeg[sof + 4] = precision;
        string path = Path.Combine(_dir, $"unsupported-{marker:X2}-{precision}.jpg");
        File.WriteAllBytes(path, jpeg);

        Assert.Equal((marker, (int)precision), JpegFrameHeader.Read(jpeg));
        using var hasher = new FileHasher(new FileHashOptions { Signals = HashSignals.Pdq | HashSignals.Sha256 });
        var result = hasher.HashFile(path);
        Assert.NotNull(result.Error);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
        Assert.Contains("not supported", result.Error, StringComparison.Ordinal);
        Assert.NotNull(result.Sha256); // the exact hashes are still given
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.02)]
    public void ATruncatedCmykJpegGivesWhatTheFullDecoderGives(double keep)
    {
        using var bridge = TestImages.LoadBridge();
        using var photo = TestImages.Resized(bridge, 701, 503);
        byte[] whole = Cmyk(photo, grey: false);
        string path = Path.Combine(_dir, $"cut-{keep}.jpg");
        File.WriteAllBytes(path, whole[..(int)(whole.Length * keep)]);
        using var fast = new FileHasher(new FileHashOptions { Signals = HashSignals.Pdq });
        using var full = new FileHasher(new FileHashOptions { Signals = HashSignals.Pdq, Decode = new DecodeOptions { UseSystemJpeg = false } });
        var a = fast.HashFile(path);
        var b = full.HashFile(path);
        Assert.NotNull(b.Error);
        Assert.Equal(b.Error, a.Error);
        Assert.Equal(b.Pdq, a.Pdq);
    }

    [Fact]
    public void ABaselineFrameIsNotCalledUnsupported()
    {
        using var bridge = TestImages.LoadBridge();
        using var photo = TestImages.Resized(bridge, 64, 48);
        string source = Path.Combine(_dir, "plain.jpg");
        Cjpeg(photo, ["-sample", "2x2,1x1,1x1", "-progressive"], source);
        byte[] jpeg = File.ReadAllBytes(source);
        Assert.Equal(((byte)0xC2, 8), JpegFrameHeader.Read(jpeg));
        Assert.Null(JpegFrameHeader.Unsupported(jpeg));
        Assert.Null(JpegFrameHeader.Read([0xFF, 0xD8, 0xFF]));
        Assert.Null(JpegFrameHeader.Read([0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]));
    }

    /// <summary>The hasher on djpeg's pixels, and the naive PDQ on their luminance after the reference's 512x512 nearest-neighbour resize.</summary>
    private static (PdqResult Hasher, (string Hash, int Quality) Naive) HashesOf(Pnm reference)
    {
        int w = reference.Width, h = reference.Height;
        bool grey = reference.Channels == 1 || IsAllGrey(reference);
        byte[] pixels;
        PixelLayout layout;
        if (grey)
        {
            pixels = new byte[w * h];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = reference.Data[i * reference.Channels];
            layout = PixelLayout.Gray8;
        }
        else
        {
            pixels = new byte[4 * w * h];
            for (int i = 0; i < w * h; i++)
            {
                pixels[4 * i] = reference.Data[3 * i]; pixels[4 * i + 1] = reference.Data[3 * i + 1];
                pixels[4 * i + 2] = reference.Data[3 * i + 2]; pixels[4 * i + 3] = 255;
            }
            layout = PixelLayout.Rgba8888;
        }
        using var pdq = new PdqHasher();
        var view = new PixelView(pixels, w, h, w * PixelView.BytesPerPixel(layout), layout);
        var fromHasher = pdq.Hash(view);

        int rows = w > 512 || h > 512 ? 512 : h, cols = w > 512 || h > 512 ? 512 : w;
        var luma = new float[rows * cols];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++)
            {
                int sx = (int)((long)x * w / cols), sy = (int)((long)y * h / rows);
                int i = sy * w + sx;
                luma[y * cols + x] = grey
                    ? reference.Data[i * reference.Channels]
                    : NaivePdq.Luma(reference.Data[3 * i], reference.Data[3 * i + 1], reference.Data[3 * i + 2]);
            }
        return (fromHasher, NaivePdq.HashLuma(luma, rows, cols));
    }

    private static bool IsAllGrey(Pnm p)
    {
        for (int i = 0; i < p.Width * p.Height; i++)
            if (p.Data[3 * i] != p.Data[3 * i + 1] || p.Data[3 * i + 1] != p.Data[3 * i + 2]) return false;
        return true;
    }

    private static void AssertSamePixels(Pnm reference, PixelView ours, string kind)
    {
        Assert.Equal((reference.Width, reference.Height), (ours.Width, ours.Height));
        int bpp = ours.BytesPerPixel();
        for (int y = 0; y < ours.Height; y++)
        {
            var row = ours.Row(y);
            for (int x = 0; x < ours.Width; x++)
                for (int c = 0; c < reference.Channels; c++)
                {
                    byte expected = reference.Data[((long)y * reference.Width + x) * reference.Channels + c];
                    byte actual = ours.Layout == PixelLayout.InvertedCmyk8888
                        ? (byte)(int)(row[x * bpp + c] * row[x * bpp + 3] / 255.0 + 0.5) // djpeg's CMYK to RGB
                        : row[x * bpp + (bpp == 1 ? 0 : c)];
                    if (expected != actual) Assert.Fail($"{kind}: pixel ({x},{y}) channel {c}: djpeg {expected}, ours {actual}");
                }
        }
    }

    private static int FrameMarkerOffset(byte[] jpeg)
    {
        for (int i = 2; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2) return i;
        throw new InvalidOperationException("no frame marker");
    }

    /// <summary>Inverted CMYK (Adobe's convention) from RGB, written as YCCK by libjpeg-turbo.</summary>
    private static byte[] Cmyk(SKBitmap photo, bool grey)
    {
        int w = photo.Width, h = photo.Height;
        var cmyk = new byte[4 * w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = photo.GetPixel(x, y);
                int k = Math.Min(255 - c.Red, Math.Min(255 - c.Green, 255 - c.Blue));
                int i = 4 * (y * w + x);
                // Inverted: 255 means no ink. Varying black keeps the K channel busy; a grey
                // picture is black ink only, and stays grey through any lossy coding.
                if (grey)
                {
                    cmyk[i] = cmyk[i + 1] = cmyk[i + 2] = 255; cmyk[i + 3] = c.Green;
                    continue;
                }
                cmyk[i] = (byte)(c.Red + k); cmyk[i + 1] = (byte)(c.Green + k); cmyk[i + 2] = (byte)(c.Blue + k); cmyk[i + 3] = (byte)(255 - k);
            }
        return CmykJpegEncoder.Encode(cmyk, w, h, 90);
    }

    private void Cjpeg(SKBitmap photo, string[] args, string outPath)
    {
        string ppm = Path.Combine(_dir, $"src-{Guid.NewGuid():N}.ppm");
        using (var fs = File.Create(ppm))
        {
            fs.Write(System.Text.Encoding.ASCII.GetBytes($"P6\n{photo.Width} {photo.Height}\n255\n"));
            var rgba = photo.GetPixelSpan();
            var row = new byte[3 * photo.Width];
            for (int y = 0; y < photo.Height; y++)
            {
                var src = rgba.Slice(y * photo.RowBytes, 4 * photo.Width);
                for (int x = 0; x < photo.Width; x++)
                {
                    row[3 * x] = src[4 * x]; row[3 * x + 1] = src[4 * x + 1]; row[3 * x + 2] = src[4 * x + 2];
                }
                fs.Write(row);
            }
        }
        Run("cjpeg", [.. args, "-quality", "90", "-outfile", outPath, ppm]);
        File.Delete(ppm);
    }

    private sealed record Pnm(int Width, int Height, int Channels, byte[] Data);

    /// <summary>libjpeg-turbo's djpeg: a full decode (accurate IDCT, fancy upsampling), as PPM or PGM.</summary>
    private static Pnm Djpeg(string jpegPath)
    {
        string pnm = jpegPath + ".pnm";
        Run("djpeg", ["-pnm", "-outfile", pnm, jpegPath]);
        byte[] bytes = File.ReadAllBytes(pnm);
        File.Delete(pnm);
        int pos = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)bytes[pos])) pos++;
            int start = pos;
            while (!char.IsWhiteSpace((char)bytes[pos])) pos++;
            return System.Text.Encoding.ASCII.GetString(bytes, start, pos - start);
        }
        string magic = Token();
        int w = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        int h = int.Parse(Token(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("255", Token());
        pos++; // the single whitespace before the samples
        int channels = magic == "P5" ? 1 : 3;
        Assert.Equal((long)w * h * channels, bytes.Length - pos);
        return new Pnm(w, h, channels, bytes[pos..]);
    }

    private static void Run(string exe, string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{exe} {string.Join(' ', args)}: {err}");
    }
}
