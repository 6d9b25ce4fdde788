using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>The naive reference: compare the query with every hash. Used by tests and benchmarks.</summary>
public static class PdqBruteForce
{
    /// <summary>Replaces <paramref name="results"/> with every entry within the threshold, nearest first (ties by id).</summary>
    public static void Search(ReadOnlySpan<Hash256> hashes, ReadOnlySpan<int> ids, in Hash256 query, int threshold,
        List<PdqMatch> results)
    {
        results.Clear();
        for (int i = 0; i < hashes.Length; i++)
        {
            int distance = hashes[i].DistanceTo(query);
            if (distance <= threshold) results.Add(new PdqMatch(ids[i], distance));
        }
        results.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id));
    }
}
