using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace Safeguard.Benchmarks;

/// <summary>The 64x64 -> 16x16 DCT: the vectorised Dct16 against the scalar triple loop, same input.</summary>
public unsafe class Dct16Benchmarks
{
    private readonly float[] _block = new float[64 * 64], _t = new float[16 * 64], _dct = new float[256];
    private float* _a, _ta, _b;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(16);
        for (int i = 0; i < _block.Length; i++) _block[i] = (float)(rng.NextDouble() * 255);
        _a = Alloc(64 * 64);
        _ta = Alloc(16 * 64);
        _b = Alloc(256);
        _block.AsSpan().CopyTo(new Span<float>(_a, 64 * 64));
        Vectorised();
        Reference();
        if (!new Span<float>(_b, 256).SequenceEqual(_dct)) throw new InvalidOperationException("Dct16 differs from the scalar DCT");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_ta);
        NativeMemory.AlignedFree(_b);
    }

    [Benchmark(Baseline = true, Description = "scalar DCT 64x64 -> 16x16")]
    public void Reference() => ReferencePdq.Dct(_block, _t, _dct);

    [Benchmark(Description = "Dct16.Run")]
    public void Vectorised() => Internals.Dct16Run(null, _a, _ta, _b);

    private static float* Alloc(int floats) => (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
}
