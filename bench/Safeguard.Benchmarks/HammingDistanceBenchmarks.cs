using BenchmarkDotNet.Attributes;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Benchmarks;

/// <summary>
/// The Hamming distance at the core of every PDQ comparison: Hash256.DistanceTo (hardware POPCNT
/// through BitOperations) against a portable bit-twiddling popcount, over 4,096 hashes.
/// </summary>
public class HammingDistanceBenchmarks
{
    private const int Count = 4096;
    private Hash256[] _hashes = [];
    private Hash256 _query;

    [GlobalSetup]
    public void Setup()
    {
        _hashes = SeededHashes.Random(Count, seed: 256);
        _query = SeededHashes.Random(1, seed: 257)[0];
        if (Popcount() != SoftwarePopcount()) throw new InvalidOperationException("the two popcounts disagree");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Count, Description = "software popcount (SWAR)")]
    public long SoftwarePopcount()
    {
        long total = 0;
        foreach (ref readonly var h in _hashes.AsSpan())
            total += Swar(h.W0 ^ _query.W0) + Swar(h.W1 ^ _query.W1) + Swar(h.W2 ^ _query.W2) + Swar(h.W3 ^ _query.W3);
        return total;
    }

    [Benchmark(OperationsPerInvoke = Count, Description = "Hash256.DistanceTo")]
    public long Popcount()
    {
        long total = 0;
        foreach (ref readonly var h in _hashes.AsSpan()) total += h.DistanceTo(_query);
        return total;
    }

    private static int Swar(ulong x)
    {
        x -= (x >> 1) & 0x5555555555555555UL;
        x = (x & 0x3333333333333333UL) + ((x >> 2) & 0x3333333333333333UL);
        x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FUL;
        return (int)((x * 0x0101010101010101UL) >> 56);
    }
}
