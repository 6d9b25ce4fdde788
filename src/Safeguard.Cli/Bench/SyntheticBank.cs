using System.Runtime.InteropServices;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Cli.Bench;

/// <summary>
/// Synthetic PDQ banks shaped like real lists: uniform random hashes plus a share of
/// near-duplicate clusters (a centre and variants a few bits away), shuffled.
/// </summary>
public static class SyntheticBank
{
    public const int MaxClusterSize = 20;
    public const int MaxVariantFlips = 16;
    public const int MaxNearHitFlips = 24;

    public static Hash256[] Generate(int count, double clusterShare, int seed)
    {
        var rng = new Random(seed);
        var hashes = new Hash256[count];
        RandomFill(hashes, rng);
        int clustered = (int)Math.Round(count * Math.Clamp(clusterShare, 0, 1));
        for (int i = 0; i < clustered;)
        {
            int size = Math.Min(rng.Next(2, MaxClusterSize + 1), clustered - i);
            var centre = hashes[i++];
            for (int v = 1; v < size; v++) hashes[i++] = FlipRandomBits(centre, rng.Next(1, MaxVariantFlips + 1), rng);
        }
        rng.Shuffle(hashes);
        return hashes;
    }

    /// <summary>Near-hits (bank members moved 0..24 bits) for <paramref name="hitShare"/> of them, random misses for the rest.</summary>
    public static Hash256[] Queries(ReadOnlySpan<Hash256> bank, int count, double hitShare, int seed)
    {
        var rng = new Random(seed ^ 0x5bd1e995);
        var queries = new Hash256[count];
        RandomFill(queries, rng);
        for (int i = 0; i < count && bank.Length > 0; i++)
            if (rng.NextDouble() < hitShare)
                queries[i] = FlipRandomBits(bank[rng.Next(bank.Length)], rng.Next(0, MaxNearHitFlips + 1), rng);
        return queries;
    }

    /// <summary>Hashes filled per call: a byte span of a whole 100M-hash bank (3.2 GB) would overflow its length.</summary>
    public const int FillChunk = 1 << 20;

    /// <summary>
    /// Random bytes chunk by chunk. Each chunk is a multiple of 8 bytes, so the byte stream (and a
    /// seed's bank) is the same as one call over the whole array would give.
    /// </summary>
    public static void RandomFill(Hash256[] hashes, Random rng)
    {
        for (int start = 0; start < hashes.Length; start += FillChunk)
            rng.NextBytes(MemoryMarshal.AsBytes(hashes.AsSpan(start, Math.Min(FillChunk, hashes.Length - start))));
    }

    private static Hash256 FlipRandomBits(Hash256 hash, int flips, Random rng)
    {
        // Distinct bits, so the distance is exactly `flips`.
        var result = hash;
        while (result.DistanceTo(hash) < flips) result = result.WithBitFlipped(rng.Next(Hash256.Bits));
        return result;
    }
}
