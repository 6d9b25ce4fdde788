using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching.Tests;

public class PdqIndexUpdateTests
{
    /// <summary>
    /// Adds, removes and queries interleaved, with a tiny overlay so flushes, merges and
    /// compactions all happen; a plain list is the model.
    /// </summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Interleaved_adds_removes_and_queries_equal_brute_force(int seed, bool allowBruteForce)
    {
        var rng = new Random(seed);
        var pool = TestBanks.Clustered(12_000, rng, clusterSize: 8);
        var initial = pool.Take(4_000).ToArray();
        var model = initial.Select((h, i) => (Hash: h, Id: i)).ToList();
        var index = PdqIndex.Build(initial, TestBanks.Sequence(initial.Length), 32, allowBruteForce);
        int nextId = initial.Length, checkedQueries = 0, found = 0;
        var actual = new List<PdqMatch>();
        for (int step = 0; step < 6_000; step++)
        {
            int action = rng.Next(10);
            if (action < 5)
            {
                var hash = rng.Next(4) == 0 && model.Count > 0 ? model[rng.Next(model.Count)].Hash : pool[rng.Next(pool.Length)];
                index.Add(hash, nextId);
                model.Add((hash, nextId++));
            }
            else if (action < 8 && model.Count > 0)
            {
                var victim = model[rng.Next(model.Count)];
                int expectedRemoved = model.RemoveAll(e => e == victim);
                Assert.Equal(expectedRemoved, index.Remove(victim.Hash, victim.Id));
            }
            else
            {
                var query = TestBanks.FlipBits(pool[rng.Next(pool.Length)], rng.Next(0, 40), rng);
                int threshold = rng.Next(0, 64);
                index.Search(query, threshold, actual);
                var expected = TestBanks.BruteForce(model, query, threshold);
                Assert.Equal(expected, actual);
                checkedQueries++;
                found += actual.Count;
            }
            Assert.Equal(model.Count, index.Count);
        }
        Assert.True(checkedQueries > 1000 && found > 100, $"{checkedQueries} queries, {found} matches");
        Assert.True(index.SegmentCount >= 1);
        Assert.Equal(0, index.Remove(TestBanks.RandomHash(rng), -5));
    }

    [Fact]
    public void Removing_most_entries_compacts_and_keeps_results_exact()
    {
        var rng = new Random(8);
        var bank = TestBanks.Clustered(20_000, rng);
        var ids = TestBanks.Sequence(bank.Length);
        var index = PdqIndex.Build(bank, ids, overlayCapacity: 256);
        long before = index.MemoryBytes;
        var model = bank.Select((h, i) => (Hash: h, Id: i)).ToList();
        for (int i = 0; i < bank.Length; i += 4)
            if (i % 3 != 0) { index.Remove(bank[i], i); index.Remove(bank[i + 1], i + 1); }
        model.RemoveAll(e => e.Id % 4 < 2 && (e.Id - e.Id % 4) % 3 != 0);
        Assert.Equal(model.Count, index.Count);
        Assert.True(index.MemoryBytes < before, "compaction should shrink the index");
        var actual = new List<PdqMatch>();
        foreach (var query in TestBanks.Queries(bank, 200, rng, maxFlips: 35))
        {
            index.Search(query, 31, actual);
            Assert.Equal(TestBanks.BruteForce(model, query, 31), actual);
        }
        index.Compact();
        Assert.Equal(1, index.SegmentCount);
        Assert.Equal(model.Count, index.Count);
    }

    /// <summary>Readers run while one writer adds and removes; they must never throw or miss stable entries.</summary>
    [Fact]
    public async Task Concurrent_readers_see_consistent_results_while_a_writer_imports()
    {
        var rng = new Random(13);
        var stable = TestBanks.Clustered(20_000, rng);
        var index = PdqIndex.Build(stable, TestBanks.Sequence(stable.Length), overlayCapacity: 512);
        var incoming = TestBanks.Uniform(30_000, rng);
        var probes = TestBanks.Queries(stable, 300, rng, maxFlips: 20);
        var expected = probes.Select(q =>
        {
            var r = new List<PdqMatch>();
            PdqBruteForce.Search(stable, TestBanks.Sequence(stable.Length), q, 31, r);
            return r;
        }).ToArray();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var results = new List<PdqMatch>();
            int rounds = 0;
            while (!stop.IsCancellationRequested || rounds == 0)
            {
                for (int i = 0; i < probes.Length; i++)
                {
                    index.Search(probes[i], 31, results);
                    // Stable entries (ids below 20,000) are never removed: exactly the expected set.
                    Assert.Equal(expected[i], results.Where(m => m.Id < stable.Length).ToList());
                    Assert.All(results, m => Assert.True(m.Distance <= 31));
                }
                rounds++;
            }
            return rounds;
        })).ToArray();
        for (int i = 0; i < incoming.Length; i++)
        {
            index.Add(incoming[i], stable.Length + i);
            if (i % 3 == 0 && i > 0) index.Remove(incoming[i - 1], stable.Length + i - 1);
        }
        stop.Cancel();
        var rounds = await Task.WhenAll(readers);
        Assert.All(rounds, r => Assert.True(r > 0));
        Assert.Equal(stable.Length + incoming.Length - (incoming.Length - 1) / 3, index.Count);
    }
}
