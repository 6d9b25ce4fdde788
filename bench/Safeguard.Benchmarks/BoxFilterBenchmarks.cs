using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace Safeguard.Benchmarks;

/// <summary>
/// One Jarosz box-filter pass down every column of a 512x512 matrix (window 4, as PDQ uses on
/// its 512x512 resize): BoxFilter.AlongColumns (8 columns per vector) against the scalar
/// strided filter, one column at a time.
/// </summary>
public unsafe class BoxFilterBenchmarks
{
    private const int Size = 512, Window = (Size + 127) / 128;
    private readonly float[] _input = new float[Size * Size], _output = new float[Size * Size];
    private float* _src, _dst;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(4);
        for (int i = 0; i < _input.Length; i++) _input[i] = (float)(rng.NextDouble() * 255);
        _src = (float*)NativeMemory.AlignedAlloc(Size * Size * sizeof(float), 64);
        _dst = (float*)NativeMemory.AlignedAlloc(Size * Size * sizeof(float), 64);
        _input.AsSpan().CopyTo(new Span<float>(_src, Size * Size));
        Vectorised();
        Reference();
        if (!new Span<float>(_dst, Size * Size).SequenceEqual(_output)) throw new InvalidOperationException("BoxFilter differs from the scalar filter");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_src);
        NativeMemory.AlignedFree(_dst);
    }

    [Benchmark(Baseline = true, Description = "scalar box filter, 512 columns")]
    public void Reference()
    {
        for (int j = 0; j < Size; j++) ReferencePdq.Box(_input, j, Size, _output, Size, Window);
    }

    [Benchmark(Description = "BoxFilter.AlongColumns, 512 columns")]
    public void Vectorised() => Internals.BoxFilterAlongColumns(null, _src, _dst, Size, Size, Window, default);
}
