using Safeguard.Hashing.Pdq;
using Safeguard.Matching;

namespace Safeguard.Matching.Tests;

/// <summary>Random and clustered hash banks, queries near them, and the brute-force reference.</summary>
internal static class TestBanks
{
    public static Hash256 RandomHash(Random rng) =>
        new((ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63),
            (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63), (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63));

    public static Hash256 FlipBits(Hash256 hash, int flips, Random rng)
    {
        var chosen = new HashSet<int>();
        while (chosen.Count < flips) chosen.Add(rng.Next(Hash256.Bits));
        foreach (int bit in chosen) hash = hash.WithBitFlipped(bit);
        return hash;
    }

    public static Hash256[] Uniform(int count, Random rng) => Enumerable.Range(0, count).Select(_ => RandomHash(rng)).ToArray();

    /// <summary>Clusters like real lists: a centre plus variants 1..maxFlips bits away.</summary>
    public static Hash256[] Clustered(int count, Random rng, int clusterSize = 20, int maxFlips = 12)
    {
        var hashes = new List<Hash256>(count);
        while (hashes.Count < count)
        {
            var centre = RandomHash(rng);
            hashes.Add(centre);
            for (int i = 1; i < clusterSize && hashes.Count < count; i++)
                hashes.Add(FlipBits(centre, rng.Next(1, maxFlips + 1), rng));
        }
        return hashes.ToArray();
    }

    /// <summary>Bank members moved by 0..maxFlips bits, plus fresh random hashes.</summary>
    public static Hash256[] Queries(Hash256[] bank, int count, Random rng, int maxFlips = 70)
    {
        var queries = new Hash256[count];
        for (int i = 0; i < count; i++)
            queries[i] = bank.Length > 0 && i % 5 != 0
                ? FlipBits(bank[rng.Next(bank.Length)], rng.Next(0, maxFlips + 1), rng)
                : RandomHash(rng);
        return queries;
    }

    public static List<PdqMatch> BruteForce(IReadOnlyList<(Hash256 Hash, int Id)> entries, Hash256 query, int threshold)
    {
        var hashes = entries.Select(e => e.Hash).ToArray();
        var ids = entries.Select(e => e.Id).ToArray();
        var results = new List<PdqMatch>();
        PdqBruteForce.Search(hashes, ids, query, threshold, results);
        return results;
    }

    public static int[] Sequence(int count) => Enumerable.Range(0, count).ToArray();

    public static Hash256[] ReadHexList(string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => Hash256.Parse(l)).ToArray();
}
