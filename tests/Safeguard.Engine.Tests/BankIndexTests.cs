using Safeguard.Banks;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Signals.Exact;
using TestData = Safeguard.Banks.Tests.TestData;
using Safeguard.Banks.Storage;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Sqlite;
using Safeguard.Hashing.Pdq;
using Safeguard.Signals;

namespace Safeguard.Engine.Tests;

/// <summary>
/// <see cref="BankIndex"/> against brute force over the store's enabled entries, at load and
/// after every kind of change applied through the change feed. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class BankIndexContract(StoreKind kind) : StoreBackedTests(kind, "bi_")
{
    private static string Flip(string pdqHex, Random rng, int bits)
    {
        var h = Hash256.Parse(pdqHex);
        for (int i = 0; i < bits; i++) h = h.WithBitFlipped(rng.Next(256));
        return h.ToString();
    }

    /// <summary>Clustered PDQ hashes (centres plus near variants) and exact hashes with metadata.</summary>
    private static List<EntryRecord> MakeEntries(Random rng, int centres)
    {
        var list = new List<EntryRecord>();
        for (int c = 0; c < centres; c++)
        {
            var centre = TestData.Hex(rng, 64);
            for (int v = 0; v < 4; v++)
                list.Add(new EntryRecord(SignalTypes.Pdq, v == 0 ? centre : Flip(centre, rng, rng.Next(1, 40)))
                {
                    ContentId = $"c{c}-{v}", Category = rng.Next(0, 5), Grade = v == 1 ? "B" : null,
                });
            list.Add(new EntryRecord(SignalTypes.Md5, TestData.Hex(rng, 32)) { ContentId = $"c{c}" });
            list.Add(new EntryRecord(SignalTypes.Sha1, TestData.Hex(rng, 40)));
            list.Add(new EntryRecord(SignalTypes.Sha256, TestData.Hex(rng, 64)) { Category = 1 });
        }
        return list;
    }

    private async Task<List<BankEntry>> EnabledAsync(IEnumerable<string>? banks)
    {
        var names = banks?.ToList() ?? (await Store.ListBanksAsync()).Select(b => b.Name).ToList();
        var all = new List<BankEntry>();
        foreach (var n in names)
            await foreach (var e in Store.EnumerateEntriesAsync(n, includeDisabled: false)) all.Add(e);
        return all;
    }

    /// <summary>Every query's index answer equals brute force over the store, metadata included.</summary>
    private async Task AssertMatchesBruteForce(BankIndex index, IEnumerable<string>? banks, Random rng)
    {
        var entries = await EnabledAsync(banks);
        Assert.Equal(entries.Count, index.Count);
        var pdq = entries.Where(e => e.SignalType == "pdq").ToList();
        var queries = pdq.Take(40).Select(e => Flip(e.Value, rng, rng.Next(0, 36)))
            .Concat(Enumerable.Range(0, 10).Select(_ => TestData.Hex(rng, 64))).ToList();
        var results = new List<Match>();
        foreach (var q in queries)
        {
            var query = Hash256.Parse(q);
            foreach (int threshold in new[] { 0, 10, 31 })
            {
                results.Clear();
                index.MatchPdq(query, threshold, results);
                var expected = pdq.Select(e => (e, d: Hash256.Parse(e.Value).DistanceTo(query))).Where(x => x.d <= threshold)
                    .Select(x => $"{x.e.Id}|{x.e.Bank}|{x.e.ContentId}|{x.e.Category}|{x.e.Grade}|pdq|{x.d}").Order().ToList();
                Assert.Equal(expected, results.Select(m => $"{m.Entry.Id}|{m.Entry.Bank}|{m.Entry.ContentId}|{m.Entry.Category}|{m.Entry.Grade}|{m.Signal.Name}|{m.Distance}").Order().ToList());
            }
        }
        foreach (var type in new[] { "md5", "sha1", "sha256" })
        {
            var ofType = entries.Where(e => e.SignalType == type).ToList();
            foreach (var e in ofType.Take(20))
            {
                results.Clear();
                index.MatchExact(((DigestSignal)SignalTypes.Get(type)).Algorithm, Convert.FromHexString(e.Value), results);
                var expected = ofType.Where(x => x.Value == e.Value).Select(x => $"{x.Id}|{x.Bank}|{x.ContentId}|{x.Category}").Order().ToList();
                Assert.Equal(expected, results.Select(m => $"{m.Entry.Id}|{m.Entry.Bank}|{m.Entry.ContentId}|{m.Entry.Category}").Order().ToList());
                Assert.All(results, m => Assert.Equal(0, m.Distance));
            }
        }
        results.Clear();
        index.MatchExact(DigestAlgorithm.Md5, new byte[16], results);
        Assert.Empty(results);
    }

    [SkippableFact]
    public async Task Matches_equal_brute_force_at_load_and_after_changes_from_the_feed()
    {
        var rng = new Random(7);
        await Store.CreateBankAsync("alpha");
        await Store.CreateBankAsync("beta");
        var alpha = MakeEntries(rng, 60);
        var beta = MakeEntries(rng, 30);
        beta.Add(alpha[0] with { ContentId = "same-hash-in-beta" }); // one hash in both banks
        await Store.ImportAsync("alpha", alpha);
        await Store.ImportAsync("beta", beta);
        await Store.SetDisabledAsync("alpha", alpha.Skip(4).Take(5).Select(r => (r.Type, r.Value)), true, "test");

        var all = await BankIndex.LoadAsync(Store);
        var onlyBeta = await BankIndex.LoadAsync(Store, ["beta"]);
        await AssertMatchesBruteForce(all, null, rng);
        await AssertMatchesBruteForce(onlyBeta, ["beta"], rng);

        // Adds, removals, disables, re-enables, metadata updates and a new bank.
        var more = MakeEntries(rng, 10);
        await Store.ImportAsync("alpha", more);
        await Store.RemoveEntriesAsync("alpha", alpha.Skip(20).Take(6).Select(r => (r.Type, r.Value)));
        await Store.SetDisabledAsync("beta", beta.Skip(8).Take(7).Select(r => (r.Type, r.Value)), true, "test");
        await Store.SetDisabledAsync("alpha", alpha.Skip(4).Take(3).Select(r => (r.Type, r.Value)), false, null);
        await Store.ImportAsync("beta", beta.Take(4).Select(r => r with { ContentId = "renamed", Category = 3 }));
        await Store.CreateBankAsync("gamma");
        await Store.ImportAsync("gamma", MakeEntries(rng, 5));

        Assert.True(await all.RefreshAsync() > 0);
        Assert.True(await onlyBeta.RefreshAsync() > 0);
        await AssertMatchesBruteForce(all, null, rng);
        await AssertMatchesBruteForce(onlyBeta, ["beta"], rng);
        Assert.Equal(await Store.GetLastChangeSeqAsync(), all.AppliedChangeSeq);

        // Deleting a bank removes its entries; a refresh with nothing new changes nothing.
        await Store.DeleteBankAsync("beta");
        await all.RefreshAsync();
        await onlyBeta.RefreshAsync();
        Assert.Equal(0, onlyBeta.Count);
        await AssertMatchesBruteForce(all, null, rng);
        Assert.Equal(0, await all.RefreshAsync());
    }

    [SkippableFact]
    public async Task Readers_run_while_a_refresh_applies_changes()
    {
        var rng = new Random(3);
        await Store.CreateBankAsync("live");
        var first = MakeEntries(rng, 40);
        await Store.ImportAsync("live", first);
        var index = await BankIndex.LoadAsync(Store, ["live"]);
        var probe = Hash256.Parse(first[0].Value);
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var results = new List<Match>();
            long n = 0;
            do
            {
                results.Clear();
                index.MatchPdq(probe, 31, results);
                Assert.All(results, m => Assert.Equal("live", m.Entry.Bank));
                n++;
            } while (!stop.IsCancellationRequested);
            return n;
        })).ToArray();
        for (int round = 0; round < 5; round++)
        {
            await Store.ImportAsync("live", MakeEntries(rng, 20));
            await Store.SetDisabledAsync("live", [(first[0].Type, first[0].Value)], round % 2 == 0, round % 2 == 0 ? "flip" : null);
            await index.RefreshAsync();
        }
        stop.Cancel();
        Assert.All(await Task.WhenAll(readers), n => Assert.True(n > 0));
        await AssertMatchesBruteForce(index, ["live"], rng);
    }

    [SkippableFact]
    public async Task An_unknown_bank_is_refused()
    {
        await Assert.ThrowsAsync<BankException>(() => BankIndex.LoadAsync(Store, ["missing"]));
    }
}

public sealed class SqliteBankIndexTests() : BankIndexContract(StoreKind.Sqlite);

public sealed class PostgresBankIndexTests() : BankIndexContract(StoreKind.Postgres);
