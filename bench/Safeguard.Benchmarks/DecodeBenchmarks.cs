using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Safeguard.Hashing.Imaging;
using SkiaSharp;

namespace Safeguard.Benchmarks;

/// <summary>
/// Decoding a reference JPEG (1600x1004) and PNG (1432x812) into pixels. The JPEG baseline is the
/// SkiaSharp path (UseSystemJpeg = false), the PNG baseline SKBitmap.Decode (a new bitmap per
/// image); ImageDecoder reuses one buffer and uses libjpeg-turbo's SIMD build when installed.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DecodeBenchmarks
{
    private byte[] _jpeg = [], _png = [];
    private ImageDecoder _decoder = null!, _skiaJpegDecoder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _jpeg = File.ReadAllBytes(TestData.PdqFile("bridge-mods/aaa-orig.jpg"));
        _png = File.ReadAllBytes(TestData.PdqFile("misc-images/c.png"));
        _decoder = new ImageDecoder();
        _skiaJpegDecoder = new ImageDecoder(new DecodeOptions { UseSystemJpeg = false });
        if (!_decoder.Decode(_jpeg).Data.SequenceEqual(_skiaJpegDecoder.Decode(_jpeg).Data))
            throw new InvalidOperationException("the two JPEG paths decode to different pixels");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _decoder.Dispose();
        _skiaJpegDecoder.Dispose();
    }

    [Benchmark(Baseline = true, Description = "JPEG, ImageDecoder via SkiaSharp"), BenchmarkCategory("jpeg")]
    public int JpegSkia() => _skiaJpegDecoder.Decode(_jpeg).Width;

    [Benchmark(Description = "JPEG, ImageDecoder (default)"), BenchmarkCategory("jpeg")]
    public int Jpeg() => _decoder.Decode(_jpeg).Width;

    [Benchmark(Baseline = true, Description = "PNG, SKBitmap.Decode"), BenchmarkCategory("png")]
    public int PngSkBitmap()
    {
        using var bitmap = SKBitmap.Decode(_png);
        return bitmap.Width;
    }

    [Benchmark(Description = "PNG, ImageDecoder"), BenchmarkCategory("png")]
    public int Png() => _decoder.Decode(_png).Width;
}
