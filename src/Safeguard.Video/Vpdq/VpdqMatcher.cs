using Safeguard.Hashing.Pdq;

namespace Safeguard.Video.Vpdq;

/// <summary>The vPDQ comparison of two videos: what share of each side's distinct frames matches the other.</summary>
public readonly record struct VpdqComparison(double QueryMatchPercent, double ComparedMatchPercent, int QueryFrames, int ComparedFrames)
{
    public bool IsMatch(double queryThresholdPercent, double comparedThresholdPercent) =>
        QueryFrames > 0 && ComparedFrames > 0
        && QueryMatchPercent >= queryThresholdPercent && ComparedMatchPercent >= comparedThresholdPercent;
}

/// <summary>
/// Meta's vPDQ match rule: drop frames of quality below 50, de-duplicate frame hashes, then a
/// video matches when the share of query frames within distance 31 of some compared frame and
/// the share of compared frames within 31 of some query frame both reach their thresholds.
/// </summary>
public static class VpdqMatcher
{
    public const int DefaultDistance = PdqResult.DefaultMatchThreshold;
    public const int DefaultQualityTolerance = 50;
    public const double DefaultQueryMatchPercent = 80;
    public const double DefaultComparedMatchPercent = 0;

    /// <summary>The distinct frame hashes of quality at least <paramref name="minQuality"/>, in first-seen order.</summary>
    public static Hash256[] Distinct(IEnumerable<VpdqFrame> frames, int minQuality = DefaultQualityTolerance)
    {
        var seen = new HashSet<Hash256>();
        var list = new List<Hash256>();
        foreach (var f in frames)
            if (f.Quality >= minQuality && seen.Add(f.Hash)) list.Add(f.Hash);
        return list.ToArray();
    }

    public static VpdqComparison Compare(IEnumerable<VpdqFrame> query, IEnumerable<VpdqFrame> compared,
        int distance = DefaultDistance, int minQuality = DefaultQualityTolerance) =>
        Compare(Distinct(query, minQuality), Distinct(compared, minQuality), distance);

    public static VpdqComparison Compare(ReadOnlySpan<Hash256> query, ReadOnlySpan<Hash256> compared, int distance = DefaultDistance)
    {
        if (query.Length == 0 || compared.Length == 0) return new VpdqComparison(0, 0, query.Length, compared.Length);
        int q = CountMatching(query, compared, distance);
        int c = CountMatching(compared, query, distance);
        return new VpdqComparison(100.0 * q / query.Length, 100.0 * c / compared.Length, query.Length, compared.Length);
    }

    private static int CountMatching(ReadOnlySpan<Hash256> from, ReadOnlySpan<Hash256> to, int distance)
    {
        int count = 0;
        foreach (ref readonly var a in from)
            foreach (ref readonly var b in to)
                if (a.DistanceTo(b) <= distance) { count++; break; }
        return count;
    }
}
