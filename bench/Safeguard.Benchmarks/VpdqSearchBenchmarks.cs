using BenchmarkDotNet.Attributes;
using Safeguard.Hashing.Pdq;
using Safeguard.Video.Vpdq;

namespace Safeguard.Benchmarks;

/// <summary>
/// vPDQ video search: the reference sample videos (Meta's vpdq sample hashes) among 10,000 seeded
/// synthetic videos of 40 distinct frames each, queried with chair-19-sd-bar. VpdqIndex.Search
/// (radius search on the frame index, then the full rule on candidates) against comparing the
/// query with every video by VpdqMatcher.Compare.
/// </summary>
[MemoryDiagnoser]
public class VpdqSearchBenchmarks
{
    private const int SyntheticVideos = 10_000, FramesPerVideo = 40;
    private VpdqIndex _index = null!;
    private List<VpdqFrame> _query = [];
    private readonly List<(int Id, Hash256[] Hashes)> _videos = [];

    [GlobalSetup]
    public void Setup()
    {
        _index = new VpdqIndex();
        int id = 0;
        foreach (var file in Directory.GetFiles(TestData.VpdqFile("sample-hashes"), "*.txt").Order(StringComparer.Ordinal))
            Add(id++, VpdqText.ReadRowsFile(file));
        var rng = new Random(40);
        for (int v = 0; v < SyntheticVideos; v++)
        {
            // A shot: consecutive frames drift a few bits from the previous one.
            var frames = new List<VpdqFrame>(FramesPerVideo);
            var hash = SeededHashes.Random(1, seed: 1000 + v)[0];
            for (int f = 0; f < FramesPerVideo; f++)
            {
                frames.Add(new VpdqFrame(f, 100, hash, f));
                hash = SeededHashes.FlipBits(hash, rng.Next(4, 12), rng);
            }
            Add(id++, frames);
        }
        _query = VpdqText.ReadRowsFile(TestData.VpdqFile("sample-hashes/chair-19-sd-bar.txt"));
        var indexed = _index.Search(_query).Select(m => m.Id).Order().ToList();
        var scanned = LinearScan().Order().ToList();
        if (indexed.Count == 0 || !indexed.SequenceEqual(scanned))
            throw new InvalidOperationException($"index found [{string.Join(",", indexed)}], scan [{string.Join(",", scanned)}]");
    }

    private void Add(int id, List<VpdqFrame> frames)
    {
        _index.Add(id, frames);
        _videos.Add((id, VpdqMatcher.Distinct(frames)));
    }

    [Benchmark(Baseline = true, Description = "VpdqMatcher.Compare with every video")]
    public List<int> LinearScan()
    {
        var q = VpdqMatcher.Distinct(_query);
        var matches = new List<int>();
        foreach (var (id, hashes) in _videos)
            if (VpdqMatcher.Compare(q, hashes).IsMatch(VpdqMatcher.DefaultQueryMatchPercent, VpdqMatcher.DefaultComparedMatchPercent))
                matches.Add(id);
        return matches;
    }

    [Benchmark(Description = "VpdqIndex.Search")]
    public int IndexSearch() => _index.Search(_query).Count;
}
