using Safeguard.Hashing.Pdq;
using Safeguard.Matching;

namespace Safeguard.Video.Vpdq;

/// <summary>One video of an index that met the vPDQ rule for a query.</summary>
public readonly record struct VpdqVideoMatch(int Id, VpdqComparison Comparison);

/// <summary>One sampled frame of a query video that matched a PDQ entry.</summary>
public readonly record struct VpdqFrameMatch(VpdqFrame Frame, int Id, int Distance);

/// <summary>
/// Many videos' vPDQ hashes behind one <see cref="PdqIndex"/> of their distinct frames, so a query
/// finds candidate videos by radius search and only those are compared with the full rule.
/// Not thread-safe for writes; searches may run concurrently once built.
/// </summary>
public sealed class VpdqIndex
{
    private readonly PdqIndex _frames = PdqIndex.Build([], []);
    private readonly List<(int Id, Hash256[] Hashes)> _videos = [];
    private readonly int _minQuality;

    public VpdqIndex(int minQuality = VpdqMatcher.DefaultQualityTolerance) => _minQuality = minQuality;

    public int Count => _videos.Count;

    public void Add(int id, IEnumerable<VpdqFrame> frames)
    {
        var hashes = VpdqMatcher.Distinct(frames, _minQuality);
        int slot = _videos.Count;
        _videos.Add((id, hashes));
        foreach (var h in hashes) _frames.Add(h, slot);
    }

    /// <summary>Videos that meet both thresholds (percentages 0..100), best query share first.</summary>
    public List<VpdqVideoMatch> Search(IEnumerable<VpdqFrame> query, double queryPercent = VpdqMatcher.DefaultQueryMatchPercent,
        double comparedPercent = VpdqMatcher.DefaultComparedMatchPercent, int distance = VpdqMatcher.DefaultDistance)
    {
        var q = VpdqMatcher.Distinct(query, _minQuality);
        var candidates = new HashSet<int>();
        var hits = new List<PdqMatch>();
        foreach (var h in q)
        {
            hits.Clear();
            _frames.Search(h, distance, hits);
            foreach (var m in hits) candidates.Add(m.Id);
        }
        var results = new List<VpdqVideoMatch>();
        foreach (int slot in candidates.Order())
        {
            var (id, hashes) = _videos[slot];
            var cmp = VpdqMatcher.Compare(q, hashes, distance);
            if (cmp.IsMatch(queryPercent, comparedPercent)) results.Add(new VpdqVideoMatch(id, cmp));
        }
        results.Sort((a, b) => b.Comparison.QueryMatchPercent.CompareTo(a.Comparison.QueryMatchPercent));
        return results;
    }

    /// <summary>
    /// Frame-level matching: every sampled frame of quality at least the minimum that lies within
    /// <paramref name="distance"/> of an entry of <paramref name="pdq"/>, with the entry's id.
    /// </summary>
    public static List<VpdqFrameMatch> MatchFrames(IEnumerable<VpdqFrame> frames, PdqIndex pdq,
        int distance = PdqIndex.DefaultThreshold, int minQuality = VpdqMatcher.DefaultQualityTolerance)
    {
        var results = new List<VpdqFrameMatch>();
        var hits = new List<PdqMatch>();
        foreach (var f in frames)
        {
            if (f.Quality < minQuality) continue;
            hits.Clear();
            pdq.Search(f.Hash, distance, hits);
            foreach (var m in hits) results.Add(new VpdqFrameMatch(f, m.Id, m.Distance));
        }
        return results;
    }
}
