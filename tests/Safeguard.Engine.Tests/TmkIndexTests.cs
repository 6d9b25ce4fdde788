using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Tmk;
using Safeguard.Signals;
using Safeguard.Signals.Tmk;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Engine.Tests;

/// <summary>
/// The TMK part of <see cref="BankIndex"/> against brute force (<see cref="TmkScorer"/> on every
/// enabled entry in the store) on generated features: random pure averages, near duplicates,
/// level-1-only entries and entries made with other parameters; at load, after changes from the
/// feed, and with level-2 features read from the store instead of memory.
/// </summary>
public abstract class TmkIndexContract(StoreKind kind) : StoreBackedTests(kind, "ti_")
{
    // Small level-2 shapes keep the test fast; matching only needs both sides made alike.
    private static readonly int[] Periods = [37, 53];
    private static readonly float[] Coefficients = [0.3f, 0.25f, 0.15f, 0.05f];
    private static readonly int[] OtherPeriods = [41, 53];

    private static float Gaussian(Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    private static float[] RandomVector(Random rng, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = Gaussian(rng);
        return v;
    }

    /// <summary>A copy of <paramref name="v"/> with Gaussian noise of <paramref name="noise"/> times its typical component.</summary>
    private static float[] Near(float[] v, Random rng, float noise)
    {
        var w = (float[])v.Clone();
        for (int i = 0; i < w.Length; i++) w[i] += noise * Gaussian(rng);
        return w;
    }

    private static TmkFeatures Random(Random rng, int[] periods) =>
        Normalised(new(TmkParameters.PdqfAlgorithm, TmkParameters.FramesPerSecond, 100, periods, Coefficients,
            RandomVector(rng, TmkParameters.Dimension), RandomVector(rng, periods.Length * Coefficients.Length * TmkParameters.Dimension),
            RandomVector(rng, periods.Length * Coefficients.Length * TmkParameters.Dimension)));

    private static TmkFeatures NearOf(TmkFeatures f, Random rng, float noise) =>
        Normalised(new(f.Algorithm, f.FramesPerSecond, f.FrameFeatureCount, f.Periods, f.FourierCoefficients,
            Near(f.PureAverage, rng, noise), Near(f.Cos, rng, noise), Near(f.Sin, rng, noise)));

    /// <summary>Scaled so a video scores about 1 against itself, as real features do: level 2 then spreads like level 1.</summary>
    private static TmkFeatures Normalised(TmkFeatures f)
    {
        float scale = 1 / MathF.Sqrt(TmkScorer.Level2(f, f));
        return new(f.Algorithm, f.FramesPerSecond, f.FrameFeatureCount, f.Periods, f.FourierCoefficients, f.PureAverage,
            Array.ConvertAll(f.Cos, x => x * scale), Array.ConvertAll(f.Sin, x => x * scale));
    }

    /// <summary>Clusters: a random video, near copies at several noise levels, a level-1-only copy, one made with other periods.</summary>
    private static List<EntryRecord> MakeEntries(Random rng, int clusters, List<TmkFeatures> centres)
    {
        var list = new List<EntryRecord>();
        for (int c = 0; c < clusters; c++)
        {
            var centre = Random(rng, Periods);
            centres.Add(centre);
            var members = new List<TmkFeatures> { centre };
            foreach (float noise in new[] { 0.2f, 0.5f, 0.9f, 1.4f }) members.Add(NearOf(centre, rng, noise));
            members.Add(TmkSignal.Level1Only(Near(centre.PureAverage, rng, 0.6f)));
            var other = Random(rng, OtherPeriods);
            members.Add(new TmkFeatures(other.Algorithm, other.FramesPerSecond, 1, other.Periods, other.FourierCoefficients,
                Near(centre.PureAverage, rng, 0.3f), other.Cos, other.Sin));
            for (int m = 0; m < members.Count; m++)
                list.Add(new EntryRecord(SignalTypes.Tmk, SignalTypes.Tmk.Format(members[m])) { ContentId = $"v{c}-{m}", Category = m % 5 });
        }
        return list;
    }

    private async Task<List<(BankEntry Entry, TmkFeatures Features)>> EnabledTmkAsync(IEnumerable<string>? banks)
    {
        var names = banks?.ToList() ?? (await Store.ListBanksAsync()).Select(b => b.Name).ToList();
        var all = new List<(BankEntry, TmkFeatures)>();
        foreach (var n in names)
            await foreach (var e in Store.EnumerateEntriesAsync(n, includeDisabled: false, signalType: "tmk"))
                all.Add((e, SignalTypes.Tmk.Parse(e.Value)));
        return all;
    }

    /// <summary>The rule written out plainly: level 1, then level 2 where both sides have it and were made alike.</summary>
    private static (float Level1, float? Level2)? BruteForce(TmkFeatures q, TmkFeatures e, float t1, float t2)
    {
        float l1 = TmkScorer.Level1(q, e);
        if (!(l1 >= t1)) return null;
        if (TmkSignal.IsLevel1Only(q) || TmkSignal.IsLevel1Only(e)) return (l1, null);
        if (TmkFeatures.Incompatibility(q, e) is not null) return null;
        float l2 = TmkScorer.Level2(q, e);
        return l2 >= t2 ? (l1, l2) : null;
    }

    private async Task<int> AssertMatchesBruteForce(BankIndex index, IEnumerable<string>? banks, IReadOnlyList<TmkFeatures> queries)
    {
        var entries = await EnabledTmkAsync(banks);
        Assert.Equal(entries.Count, index.TmkCount);
        int matched = 0;
        var results = new List<Match>();
        foreach (var q in queries)
        {
            // Level-2 thresholds at quantiles of the brute-force scores, so each one splits the candidates.
            var level2s = entries.Where(e => !TmkSignal.IsLevel1Only(e.Features) && TmkFeatures.Incompatibility(q, e.Features) is null)
                .Select(e => TmkScorer.Level2(q, e.Features)).Order().ToList();
            if (level2s.Count < 3) level2s = [0.5f, 0.6f, 0.8f]; // a level-1-only query: level 2 plays no part
            foreach (var (t1, t2) in new[] { (0.7f, 0.7f), (0.3f, level2s[^3]), (0.9f, level2s[level2s.Count / 2]), (-1f, -1f) })
            {
                results.Clear();
                index.MatchTmk(q, t1, t2, results);
                var expected = entries.Select(e => (e.Entry, Score: BruteForce(q, e.Features, t1, t2))).Where(x => x.Score is not null)
                    .Select(x => $"{x.Entry.Id}|{x.Entry.Bank}|{x.Entry.ContentId}|{x.Entry.Category}|{x.Score!.Value.Level1}|{x.Score.Value.Level2}")
                    .Order().ToList();
                var actual = results.Select(m => $"{m.Entry.Id}|{m.Entry.Bank}|{m.Entry.ContentId}|{m.Entry.Category}|{m.TmkLevel1}|{m.TmkLevel2}").Order().ToList();
                Assert.Equal(expected, actual);
                Assert.All(results, m => Assert.Equal(SignalTypes.Tmk, m.Signal));
                // Best first.
                var order = results.Select(m => m.TmkLevel2 ?? m.TmkLevel1!.Value).ToList();
                Assert.Equal(order.OrderDescending(), order);
                matched += results.Count;
            }
        }
        return matched;
    }

    private static List<TmkFeatures> Queries(Random rng, List<TmkFeatures> centres) =>
    [
        .. centres.Take(6).Select(c => NearOf(c, rng, 0.3f)),
        .. centres.Take(2),
        TmkSignal.Level1Only(centres[3].PureAverage),
        Random(rng, Periods),
    ];

    [SkippableFact]
    public async Task Matches_equal_brute_force_at_load_after_feed_changes_and_from_the_store()
    {
        var rng = new Random(11);
        var centres = new List<TmkFeatures>();
        await Store.CreateBankAsync("alpha");
        await Store.CreateBankAsync("beta");
        var alpha = MakeEntries(rng, 10, centres);
        var beta = MakeEntries(rng, 5, centres);
        await Store.ImportAsync("alpha", alpha);
        await Store.ImportAsync("beta", beta);
        await Store.SetDisabledAsync("alpha", alpha.Skip(2).Take(3).Select(r => (r.Type, r.Value)), true, "test");
        var queries = Queries(rng, centres);

        var inMemory = await BankIndex.LoadAsync(Store);
        // A budget of one video: every other entry's level 2 is read from the store.
        var fromStore = await BankIndex.LoadAsync(Store, null, new BankIndexOptions { TmkFeatureBudgetBytes = 20_000 });
        var onlyBeta = await BankIndex.LoadAsync(Store, ["beta"]);
        Assert.True(fromStore.TmkFeatureBytes < inMemory.TmkFeatureBytes / 4, $"{fromStore.TmkFeatureBytes} of {inMemory.TmkFeatureBytes}");
        Assert.True(await AssertMatchesBruteForce(inMemory, null, queries) > 20);
        await AssertMatchesBruteForce(fromStore, null, queries);
        await AssertMatchesBruteForce(onlyBeta, ["beta"], queries);

        // Adds, removals, disables, re-enables, metadata updates.
        await Store.ImportAsync("alpha", MakeEntries(rng, 3, centres));
        await Store.RemoveEntriesAsync("alpha", alpha.Skip(8).Take(9).Select(r => (r.Type, r.Value)));
        await Store.SetDisabledAsync("beta", beta.Take(7).Select(r => (r.Type, r.Value)), true, "test");
        await Store.SetDisabledAsync("alpha", alpha.Skip(2).Take(2).Select(r => (r.Type, r.Value)), false, null);
        await Store.ImportAsync("alpha", alpha.Skip(20).Take(3).Select(r => r with { ContentId = "renamed", Category = 4 }));
        foreach (var index in new[] { inMemory, fromStore, onlyBeta }) Assert.True(await index.RefreshAsync() > 0);
        queries = Queries(rng, centres);
        Assert.True(await AssertMatchesBruteForce(inMemory, null, queries) > 20);
        await AssertMatchesBruteForce(fromStore, null, queries);
        await AssertMatchesBruteForce(onlyBeta, ["beta"], queries);

        // Removing a whole bank empties a one-bank index.
        await Store.DeleteBankAsync("beta");
        await onlyBeta.RefreshAsync();
        Assert.Equal(0, onlyBeta.TmkCount);
        var none = new List<Match>();
        onlyBeta.MatchTmk(centres[^1], -1, -1, none);
        Assert.Empty(none);
    }

    [SkippableFact]
    public async Task Readers_run_while_a_refresh_adds_and_removes_tmk_entries()
    {
        var rng = new Random(9);
        var centres = new List<TmkFeatures>();
        await Store.CreateBankAsync("live");
        var first = MakeEntries(rng, 4, centres);
        await Store.ImportAsync("live", first);
        // Level 2 from the store for most entries, so readers also read rows while the writer changes them.
        var index = await BankIndex.LoadAsync(Store, ["live"], new BankIndexOptions { TmkFeatureBudgetBytes = 50_000 });
        var probe = centres[0];
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var results = new List<Match>();
            long n = 0;
            do
            {
                results.Clear();
                index.MatchTmk(probe, 0.5f, 0.5f, results);
                Assert.All(results, m => Assert.True(m.Entry.Bank == "live" && m.TmkLevel1 >= 0.5f));
                n++;
            } while (!stop.IsCancellationRequested);
            return n;
        })).ToArray();
        for (int round = 0; round < 6; round++)
        {
            await Store.ImportAsync("live", MakeEntries(rng, 3, centres));
            await Store.SetDisabledAsync("live", first.Take(3).Select(r => (r.Type, r.Value)), round % 2 == 0, round % 2 == 0 ? "flip" : null);
            await index.RefreshAsync();
        }
        await Store.RemoveEntriesAsync("live", first.Skip(3).Select(r => (r.Type, r.Value)));
        await index.RefreshAsync();
        stop.Cancel();
        Assert.All(await Task.WhenAll(readers), n => Assert.True(n > 0));
        await AssertMatchesBruteForce(index, ["live"], Queries(rng, centres));
    }

    [SkippableFact]
    public async Task A_match_names_the_entry_by_its_pure_average_and_a_tmk_lookup_finds_it()
    {
        var rng = new Random(5);
        var centres = new List<TmkFeatures>();
        await Store.CreateBankAsync("videos");
        await Store.ImportAsync("videos", MakeEntries(rng, 2, centres));
        var index = await BankIndex.LoadAsync(Store);
        var matcher = new Matcher(index, new MatchPolicy());
        var found = matcher.MatchValue(SignalTypes.Tmk, SignalTypes.Tmk.Format(centres[1]));
        var self = Assert.Single(found, m => m.Entry.ContentId == "v1-0");
        Assert.Equal(1f, self.TmkLevel1!.Value, 5);
        Assert.Equal(TmkScorer.Level2(centres[1], centres[1]), self.TmkLevel2);
        Assert.Equal(centres[1].PureAverage, SignalTypes.Tmk.Parse(self.Entry.Value).PureAverage);
        Assert.DoesNotContain(found, m => m.Entry.ContentId!.StartsWith("v0-", StringComparison.Ordinal));
        // A stricter policy drops the noisier copies.
        var strict = new Matcher(index, new MatchPolicy { TmkLevel1Threshold = 0.99f, TmkLevel2Threshold = 0.99f });
        Assert.True(strict.MatchValue(SignalTypes.Tmk, SignalTypes.Tmk.Format(centres[1])).Count < found.Count);
    }
}

public sealed class SqliteTmkIndexTests() : TmkIndexContract(StoreKind.Sqlite);

public sealed class PostgresTmkIndexTests() : TmkIndexContract(StoreKind.Postgres);
