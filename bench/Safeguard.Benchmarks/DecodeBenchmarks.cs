using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using SkiaSharp;

namespace Safeguard.Benchmarks;

/// <summary>
/// Decoding a reference JPEG (1600x1004) and PNG (1432x812). JPEG: ImageDecoder.Decode (SkiaSharp,
/// RGBA) as the baseline against TryDecodeJpegPlanes (the system libjpeg-turbo's SIMD build, raw
/// YCbCr planes: the path `safeguard hash` takes). PNG: SKBitmap.Decode (a new bitmap per image)
/// against ImageDecoder.Decode (one buffer reused). Needs libturbojpeg0 (scripts/ensure-deps.sh --runtime).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: the fields are disposed in [GlobalCleanup].")]
public class DecodeBenchmarks
{
    private byte[] _jpeg = [], _png = [];
    private ImageDecoder _decoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (!ImageDecoder.SystemJpegAvailable)
            throw new InvalidOperationException("libturbojpeg is not installed: run scripts/ensure-deps.sh --runtime");
        _jpeg = File.ReadAllBytes(TestData.PdqFile("bridge-mods/aaa-orig.jpg"));
        _png = File.ReadAllBytes(TestData.PdqFile("misc-images/c.png"));
        _decoder = new ImageDecoder();
        // The planes must give the reference hash, as the pixels do.
        using var hasher = new PdqHasher();
        if (!_decoder.TryDecodeJpegPlanes(_jpeg, out var planes)) throw new InvalidOperationException("libjpeg-turbo refused the JPEG");
        var fromPlanes = hasher.Hash(planes).Hash;
        var fromPixels = hasher.Hash(_decoder.Decode(_jpeg)).Hash;
        if (fromPlanes != fromPixels || fromPixels.ToString() != TestData.ExpectedPdqHash("bridge-mods/aaa-orig.jpg"))
            throw new InvalidOperationException($"planes {fromPlanes}, pixels {fromPixels}: not the reference hash");
    }

    [GlobalCleanup]
    public void Cleanup() => _decoder.Dispose();

    [Benchmark(Baseline = true, Description = "JPEG, ImageDecoder.Decode (SkiaSharp, RGBA)"), BenchmarkCategory("jpeg")]
    public int JpegPixels() => _decoder.Decode(_jpeg).Width;

    [Benchmark(Description = "JPEG, TryDecodeJpegPlanes (libjpeg-turbo, YCbCr)"), BenchmarkCategory("jpeg")]
    public int JpegPlanes() => _decoder.TryDecodeJpegPlanes(_jpeg, out var planes) ? planes.Width : 0;

    [Benchmark(Baseline = true, Description = "PNG, SKBitmap.Decode"), BenchmarkCategory("png")]
    public int PngSkBitmap()
    {
        using var bitmap = SKBitmap.Decode(_png);
        return bitmap.Width;
    }

    [Benchmark(Description = "PNG, ImageDecoder.Decode"), BenchmarkCategory("png")]
    public int Png() => _decoder.Decode(_png).Width;
}
