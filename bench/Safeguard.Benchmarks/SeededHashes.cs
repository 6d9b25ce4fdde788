using System.Runtime.InteropServices;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Benchmarks;

/// <summary>Reproducible synthetic PDQ hashes: a uniform random bank and queries near some of its members.</summary>
public static class SeededHashes
{
    public static Hash256[] Random(int count, int seed)
    {
        var hashes = new Hash256[count];
        new Random(seed).NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan()));
        return hashes;
    }

    /// <summary>Half near-hits (a bank member with 0..24 distinct bits flipped), half random misses.</summary>
    public static Hash256[] Queries(Hash256[] bank, int count, int seed)
    {
        var rng = new Random(seed);
        var queries = Random(count, seed + 1);
        for (int i = 0; i < count; i += 2) queries[i] = FlipBits(bank[rng.Next(bank.Length)], rng.Next(0, 25), rng);
        return queries;
    }

    public static Hash256 FlipBits(Hash256 hash, int flips, Random rng)
    {
        var result = hash;
        while (result.DistanceTo(hash) < flips) result = result.WithBitFlipped(rng.Next(Hash256.Bits));
        return result;
    }
}
