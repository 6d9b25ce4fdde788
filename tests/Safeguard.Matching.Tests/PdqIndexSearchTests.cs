using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching.Tests;

public class PdqIndexSearchTests
{
    private static readonly int[] PlantedIds = [123, 20_000, 20_001, 20_002, 99_999];

    /// <summary>Bank kind, whether scanning is allowed, and the slice count (11 as small segments have it, 9 as segments past 32M entries have it).</summary>
    public static TheoryData<string, bool, int> Banks => new()
    {
        { "uniform", false, 11 }, { "uniform", true, 11 }, { "clustered", false, 11 }, { "clustered", true, 11 },
        { "uniform", false, 9 }, { "clustered", false, 9 },
    };

    /// <summary>Every threshold 0..63 against brute force; allowBruteForce=false forces the probe path everywhere.</summary>
    [Theory]
    [MemberData(nameof(Banks))]
    public void Search_equals_brute_force_at_every_threshold(string kind, bool allowBruteForce, int slices)
    {
        var rng = new Random(kind.Length * 7919 + (allowBruteForce ? 1 : 0) + slices * 31);
        var bank = kind == "uniform" ? TestBanks.Uniform(30_000, rng) : TestBanks.Clustered(30_000, rng);
        var ids = TestBanks.Sequence(bank.Length);
        var index = PdqIndex.Build(bank, ids, PdqIndex.DefaultOverlayCapacity, allowBruteForce, SliceLayout.WithSlices(slices));
        Assert.Contains($"{slices} slices", index.DescribePlan(31));
        var queries = TestBanks.Queries(bank, 60, rng);
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        int nonEmpty = 0;
        for (int threshold = 0; threshold <= 63; threshold++)
        {
            foreach (var query in queries)
            {
                PdqBruteForce.Search(bank, ids, query, threshold, expected);
                index.Search(query, threshold, actual);
                Assert.True(expected.SequenceEqual(actual),
                    $"threshold {threshold}, query {query}: expected {expected.Count} matches, got {actual.Count}");
                if (expected.Count > 0) nonEmpty++;
            }
        }
        Assert.True(nonEmpty > 600, $"too few non-empty result sets ({nonEmpty}) to test anything");
    }

    [Fact]
    public void Reference_haystack_and_needles_equal_brute_force()
    {
        var haystack = TestBanks.ReadHexList(TestData.PdqFile(Path.Combine("reg-test-input", "haystack.txt")));
        var needles = TestBanks.ReadHexList(TestData.PdqFile(Path.Combine("reg-test-input", "needles.txt")));
        Assert.True(haystack.Length > 1000 && needles.Length > 50);
        var ids = TestBanks.Sequence(haystack.Length);
        var queries = needles.Concat(haystack.Take(50)).ToArray();
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        int matches = 0;
        foreach (bool allowBruteForce in new[] { true, false })
        {
            var index = PdqIndex.Build(haystack, ids, PdqIndex.DefaultOverlayCapacity, allowBruteForce);
            for (int threshold = 0; threshold <= 63; threshold++)
                foreach (var needle in queries)
                {
                    PdqBruteForce.Search(haystack, ids, needle, threshold, expected);
                    index.Search(needle, threshold, actual);
                    Assert.Equal(expected, actual);
                    matches += actual.Count;
                }
        }
        Assert.True(matches > 0);
    }

    [Fact]
    public void Empty_index_finds_nothing()
    {
        var rng = new Random(5);
        var results = new List<PdqMatch> { new(1, 1) };
        foreach (var index in new[] { new PdqIndex(), PdqIndex.Build([], []) })
        {
            Assert.Equal(0, index.Count);
            for (int threshold = 0; threshold <= 63; threshold++)
            {
                index.Search(TestBanks.RandomHash(rng), threshold, results);
                Assert.Empty(results);
            }
        }
    }

    [Fact]
    public void Duplicate_hashes_with_different_ids_are_all_returned()
    {
        var rng = new Random(11);
        var bank = TestBanks.Uniform(20_000, rng);
        var shared = bank[123];
        var hashes = bank.Concat([shared, shared, shared]).ToArray();
        var ids = TestBanks.Sequence(hashes.Length);
        foreach (bool allowBruteForce in new[] { true, false })
        {
            var index = PdqIndex.Build(hashes, ids, 64, allowBruteForce);
            index.Add(shared, 99_999);
            var results = new List<PdqMatch>();
            index.Search(shared.WithBitFlipped(3), 31, results);
            Assert.Equal(PlantedIds, results.Select(r => r.Id).Order());
            Assert.All(results, r => Assert.Equal(1, r.Distance));
        }
    }

    [Fact]
    public void Thresholds_outside_0_to_256_are_rejected()
    {
        var index = PdqIndex.Build([Hash256.Zero], [1]);
        var results = new List<PdqMatch>();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(Hash256.Zero, -1, results));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(Hash256.Zero, 257, results));
        index.Search(Hash256.Zero, 256, results);
        Assert.Single(results);
    }

    [Fact]
    public void Dihedral_search_keeps_best_distance_per_id()
    {
        var rng = new Random(21);
        var bank = TestBanks.Clustered(20_000, rng);
        var ids = bank.Select((_, i) => i / 3).ToArray(); // several entries share an id, as multi-hash bank entries do
        var index = PdqIndex.Build(bank, ids);
        var variants = Enumerable.Range(0, 8).Select(i => TestBanks.FlipBits(bank[rng.Next(bank.Length)], i * 4, rng)).ToArray();
        var expected = new Dictionary<int, int>();
        var single = new List<PdqMatch>();
        foreach (var v in variants)
        {
            PdqBruteForce.Search(bank, ids, v, 31, single);
            foreach (var m in single)
                expected[m.Id] = Math.Min(m.Distance, expected.GetValueOrDefault(m.Id, int.MaxValue));
        }
        var results = new List<PdqMatch>();
        index.SearchDihedral(variants, 31, results);
        Assert.True(expected.Count > 8);
        Assert.Equal(expected.Count, results.Count);
        Assert.All(results, r => Assert.Equal(expected[r.Id], r.Distance));
        Assert.True(results.Zip(results.Skip(1)).All(p => p.First.Distance <= p.Second.Distance));
    }
}

public class PdqIndexSkewedBankTests
{
    /// <summary>
    /// Hostile shape: every hash is zero outside 20 bits, so nearly all entries share one bucket
    /// per slice. Results must stay exact (only speed may suffer).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Nearly_identical_hashes_still_equal_brute_force(bool allowBruteForce)
    {
        var rng = new Random(17);
        var bank = new Hash256[6_000];
        for (int i = 0; i < bank.Length; i++)
            bank[i] = new Hash256((ulong)rng.Next(1 << 12), 0, 0, (ulong)rng.Next(1 << 8) << 56);
        var ids = TestBanks.Sequence(bank.Length);
        var index = PdqIndex.Build(bank, ids, 128, allowBruteForce);
        var expected = new List<PdqMatch>();
        var actual = new List<PdqMatch>();
        var queries = TestBanks.Queries(bank, 12, rng, maxFlips: 40);
        for (int threshold = 0; threshold <= 63; threshold += 3)
            foreach (var query in queries)
            {
                PdqBruteForce.Search(bank, ids, query, threshold, expected);
                index.Search(query, threshold, actual);
                Assert.Equal(expected, actual);
            }
    }
}
