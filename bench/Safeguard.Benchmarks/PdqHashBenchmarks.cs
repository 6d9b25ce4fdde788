using BenchmarkDotNet.Attributes;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Imaging.Jpeg;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Benchmarks;

/// <summary>
/// PDQ of an already decoded image: the optimised hasher against the plain reference on the
/// same 1600x1004 luma buffer (full resolution, so blur and DCT dominate), and the default
/// paths (RGBA pixels, or libjpeg-turbo's YCbCr planes as `safeguard hash` uses for JPEGs, with
/// the reference's 512x512 resize), checked against Meta's expected hash.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: the fields are disposed in [GlobalCleanup].")]
public class PdqHashBenchmarks
{
    private const string Image = "bridge-mods/aaa-orig.jpg";
    private byte[] _grey = [];
    private float[] _luma = [];
    private byte[] _rgba = [];
    private int _width, _height;
    private PdqHasher _hasher = null!;
    private ImageDecoder _planeDecoder = null!;
    private YccPlanes _planes;

    [GlobalSetup]
    public void Setup()
    {
        using var decoder = new ImageDecoder();
        var view = decoder.Decode(File.ReadAllBytes(TestData.PdqFile(Image)));
        if (view.Layout != PixelLayout.Rgba8888) throw new InvalidDataException($"{Image} decoded as {view.Layout}");
        (_width, _height) = (view.Width, view.Height);
        _rgba = view.Data.ToArray();
        _grey = new byte[_width * _height];
        for (int i = 0; i < _grey.Length; i++)
            _grey[i] = (byte)Math.Round(0.299 * _rgba[4 * i] + 0.587 * _rgba[4 * i + 1] + 0.114 * _rgba[4 * i + 2]);
        _luma = Array.ConvertAll(_grey, v => (float)v);
        _hasher = new PdqHasher();
        _planeDecoder = new ImageDecoder();
        if (!_planeDecoder.TryDecodeJpegPlanes(File.ReadAllBytes(TestData.PdqFile(Image)), out _planes))
            throw new InvalidOperationException("libturbojpeg is not installed: run scripts/ensure-deps.sh --runtime");

        // Both sides must hash the same input to the same bits, or the comparison means nothing.
        string optimised = LumaOptimised().ToString(), reference = LumaReference();
        if (optimised != reference) throw new InvalidOperationException($"hasher {optimised} != reference {reference}");
        string expected = TestData.ExpectedPdqHash(Image), actual = RgbaReference512().ToString();
        if (actual != expected || YccReference512().ToString() != expected) throw new InvalidOperationException($"{Image}: {actual}, expected {expected}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hasher.Dispose();
        _planeDecoder.Dispose();
    }

    [Benchmark(Baseline = true, Description = "reference PDQ, luma 1600x1004")]
    public string LumaReference() => ReferencePdq.HashLuma(_luma, _height, _width);

    [Benchmark(Description = "PdqHasher, luma 1600x1004")]
    public Hash256 LumaOptimised() =>
        _hasher.Hash(new PixelView(_grey, _width, _height, _width, PixelLayout.Gray8), PdqSizing.FullResolution).Hash;

    [Benchmark(Description = "PdqHasher, RGBA 1600x1004 -> 512x512 (default)")]
    public Hash256 RgbaReference512() =>
        _hasher.Hash(new PixelView(_rgba, _width, _height, _width * 4, PixelLayout.Rgba8888), PdqSizing.Reference512).Hash;

    [Benchmark(Description = "PdqHasher, JPEG YCbCr planes -> 512x512 (hash's JPEG path)")]
    public Hash256 YccReference512() => _hasher.Hash(_planes, PdqSizing.Reference512).Hash;
}
