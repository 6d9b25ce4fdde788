using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using SkiaSharp;

namespace Safeguard.Hashing.Tests;

/// <summary>
/// The fast JPEG path (system libjpeg-turbo planes, colour computed only where sampled) gives
/// exactly what a full decode gives, for every chroma layout and awkward sizes.
/// </summary>
public class DecodePathTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-decode-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static readonly FileHashOptions Fast = new() { Signals = HashSignals.Pdq };
    private static readonly FileHashOptions ViaSkia = new() { Signals = HashSignals.Pdq, Decode = new DecodeOptions { UseSystemJpeg = false } };

    public static TheoryData<string, string, int> Expected() => ReferenceVectorTests.Expected();

    [Theory]
    [MemberData(nameof(Expected))]
    public void BothDecodePathsGiveTheReferenceHash(string path, string expectedHash, int expectedQuality)
    {
        foreach (var options in new[] { Fast, ViaSkia })
        {
            using var hasher = new FileHasher(options);
            var result = hasher.HashFile(Path.Combine(TestData.Pdq, path));
            Assert.Null(result.Error);
            Assert.Equal(expectedHash, result.Pdq!.Value.Hash.ToString());
            Assert.Equal(expectedQuality, result.Pdq!.Value.Quality);
        }
    }

    [Fact]
    public void TheSystemLibraryIsPresentWhereTestsRun() =>
        Assert.True(ImageDecoder.SystemJpegAvailable, "libturbojpeg.so.0 missing: scripts/ensure-deps.sh installs libturbojpeg0");

    public static TheoryData<string, int, int> Layouts() => new()
    {
        { "420", 1201, 803 }, { "420", 513, 9 }, { "420", 7, 700 }, { "420", 1000, 1000 },
        { "422", 1199, 641 }, { "444", 999, 777 }, { "440", 1025, 601 }, { "420", 6, 6 }, { "422", 3, 900 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void PlanesConvertToTheSamePixelsAsAFullDecode(string layout, int width, int height)
    {
        using var bridge = TestImages.LoadBridge();
        using var bmp = TestImages.Resized(bridge, width, height);
        byte[] jpeg = layout switch
        {
            "420" => TestImages.Jpeg(bmp, 85, SKJpegEncoderDownsample.Downsample420),
            "422" => TestImages.Jpeg(bmp, 85, SKJpegEncoderDownsample.Downsample422),
            "444" => TestImages.Jpeg(bmp, 85, SKJpegEncoderDownsample.Downsample444),
            _ => TestImages.CjpegFromPpm(bmp, "1x2", _dir),
        };

        using var skia = new ImageDecoder(new DecodeOptions { UseSystemJpeg = false });
        var full = skia.Decode(jpeg).Data.ToArray();
        using var planar = new ImageDecoder();
        Assert.True(planar.TryDecodeJpegPlanes(jpeg, out var planes));
        var converted = planar.ToPixels(planes, greyIfNeutral: false).Data.ToArray();
        Assert.Equal(full.Length, converted.Length);
        for (int i = 0; i < full.Length; i++)
            if (full[i] != converted[i]) Assert.Fail($"byte {i} (pixel {i / 4 % width},{i / 4 / width} channel {i % 4}): full decode {full[i]}, planes {converted[i]}");

        // The sparse path (colour only where the 512 resize samples) hashes like the full pixels.
        var path = Path.Combine(_dir, $"{layout}-{width}x{height}.jpg");
        File.WriteAllBytes(path, jpeg);
        using var fast = new FileHasher(Fast);
        using var slow = new FileHasher(ViaSkia);
        Assert.Equal(slow.HashFile(path).Pdq, fast.HashFile(path).Pdq);
    }

    [Fact]
    public void AGreyPictureStoredAsColourTakesTheGreyPath()
    {
        using var bridge = TestImages.LoadBridge();
        using var grey = new SKBitmap(bridge.Width, bridge.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < grey.Height; y++)
            for (int x = 0; x < grey.Width; x++)
            {
                byte v = bridge.GetPixel(x, y).Green;
                grey.SetPixel(x, y, new SKColor(v, v, v));
            }
        var png = TestImages.Png(grey);
        using var decoder = new ImageDecoder();
        var view = decoder.Decode(png);
        Assert.Equal(PixelLayout.Gray8, view.Layout);
        var greyBytes = new float[grey.Width * grey.Height];
        for (int i = 0; i < greyBytes.Length; i++) greyBytes[i] = grey.GetPixel(i % grey.Width, i / grey.Width).Red;
        using var hasher = new PdqHasher();
        var expected = NaivePdq.HashLuma(greyBytes, grey.Height, grey.Width);
        Assert.Equal(expected.Hash, hasher.Hash(view, PdqSizing.FullResolution).Hash.ToString());
    }
}
