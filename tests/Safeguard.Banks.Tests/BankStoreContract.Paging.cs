using System.Diagnostics;
using Safeguard.Banks.Storage;
using Safeguard.Signals;
using Safeguard.Storage.Banks;

namespace Safeguard.Banks.Tests;

/// <summary>
/// Paging: a deep page is an index range (its plan and its time do not grow with the offset), and
/// pages sliced from a changing bank match a brute-force listing.
/// </summary>
public abstract partial class BankStoreContract
{
    private const int LargeBank = 200_000;

    /// <summary>Distinct MD5-shaped values, cheap to make in bulk.</summary>
    private static IEnumerable<EntryRecord> Sequential(int count, int salt = 0) =>
        Enumerable.Range(0, count).Select(i => new EntryRecord(SignalTypes.Md5, $"{salt:x8}{i:x24}"));

    private bool IsSqlite => Store.Kind == "sqlite";

    /// <summary>The plan is index ranges only: no full scan of entries, no sort of all of them.</summary>
    /// <param name="sortsPage">The plan may sort what the ranges returned (at most a few pages), as the change feed's merge does.</param>
    private void AssertIndexRange(IReadOnlyList<string> plan, string expectedRange, bool sortsPage = false)
    {
        var text = string.Join("\n", plan);
        if (IsSqlite)
        {
            Assert.Contains(expectedRange, text);
            Assert.DoesNotContain(plan, line => line.StartsWith("SCAN e", StringComparison.Ordinal) || line.StartsWith("SCAN r", StringComparison.Ordinal));
            if (!sortsPage) Assert.DoesNotContain("TEMP B-TREE", text);
        }
        else
        {
            Assert.True(text.Contains("Index", StringComparison.Ordinal), text);
            Assert.DoesNotContain("Seq Scan on entries", text);
        }
    }

    private static double FastestMs(Func<Task> run)
    {
        var best = double.MaxValue;
        for (int i = 0; i < 7; i++)
        {
            var sw = Stopwatch.StartNew();
            run().GetAwaiter().GetResult();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    [SkippableFact]
    [Trait("Timing", "wall-clock")]
    public async Task Deep_pages_of_a_large_bank_and_of_its_change_feed_cost_what_the_first_page_costs()
    {
        var sw = Stopwatch.StartNew();
        await Store.CreateBankAsync("big");
        await Store.CreateBankAsync("small");
        await Store.ImportAsync("small", Sequential(50, salt: 1));
        await Store.ImportAsync("big", Sequential(LargeBank));
        await Store.ImportAsync("small", Sequential(50, salt: 2));
        long seq = await Store.GetLastChangeSeqAsync() - 1; // the big import's sequence
        Console.WriteLine($"{Store.Kind}: {sw.Elapsed.TotalSeconds:F1} s import");
        var all = new List<BankEntry>();
        await foreach (var e in Store.EnumerateEntriesAsync("big")) all.Add(e);
        Assert.Equal(LargeBank, all.Count);
        Assert.Equal(Sequential(LargeBank).Select(r => r.Value), all.Select(e => e.Value));
        Assert.All(all, e => Assert.Equal(seq, e.ChangeSeq));
        long deep = all[^6].Id, bankId = (await Store.GetBankAsync("big"))!.Id;

        var sql = (SqlBankStore)Store;
        AssertIndexRange(await sql.ExplainAsync(SqlBankStore.EntriesPageSql(includeDisabled: true, bySignalType: false), ("@b", bankId), ("@a", deep), ("@l", 100L)),
            "entries_bank_order (bank_id=? AND id>?)");
        AssertIndexRange(await sql.ExplainAsync(SqlBankStore.EntriesPageSql(includeDisabled: false, bySignalType: false), ("@b", bankId), ("@a", deep), ("@l", 100L)),
            "entries_bank_order (bank_id=? AND id>?)");
        AssertIndexRange(await sql.ExplainAsync(SqlBankStore.ChangesSql, ("@s", seq), ("@a", deep), ("@l", 100L)),
            "entries_change (change_seq=? AND id>?)", sortsPage: true);
        // A value across every bank: one seek per bank in the unique value index (no second index of every value).
        var probe = all[^6].Value;
        AssertIndexRange(await sql.ExplainAsync(SqlBankStore.FindInBankSql, ("@b", bankId), ("@ty", all[^6].SignalType), ("@k", probe), ("@v", probe)),
            "entries_value_key (bank_id=? AND signal_type=? AND <expr>=?)", sortsPage: true);
        Assert.Equal([all[^6].Id], (await Store.FindAsync(SignalTypes.Get(all[^6].SignalType), probe)).Select(e => e.Id));

        Assert.Equal(all.Skip(LargeBank - 5).Select(e => e.Id), (await Store.ListEntriesAsync("big", deep, 100)).Select(e => e.Id));
        var deepChanges = await Store.GetChangesAsync(seq, deep, 100);
        Assert.Equal(all.Skip(LargeBank - 5).Select(e => e.Id), deepChanges.Take(5).Select(c => c.EntryId));
        Assert.Equal(50, deepChanges.Count - 5); // then the second import into "small"

        // Second check, by time: generous, since the first page is a few milliseconds.
        double first = FastestMs(() => Store.ListEntriesAsync("big", 0, 100));
        double deepPage = FastestMs(() => Store.ListEntriesAsync("big", deep, 100));
        Assert.True(deepPage <= first * 5 + 25, $"page after {deep}: {deepPage:F1} ms; first page: {first:F1} ms");
        double firstChanges = FastestMs(() => Store.GetChangesAsync(seq - 1, 0, 100));
        double deepChangesMs = FastestMs(() => Store.GetChangesAsync(seq, deep, 100));
        Assert.True(deepChangesMs <= firstChanges * 5 + 25, $"changes after ({seq}, {deep}): {deepChangesMs:F1} ms; first page: {firstChanges:F1} ms");

        Console.WriteLine($"{Store.Kind}: {sw.Elapsed.TotalSeconds:F1} s before the walk");
        // The whole feed, paged as a follower does, is every entry once, in order.
        var fed = new List<long>();
        long s = 0, after = 0;
        while (true)
        {
            var page = await Store.GetChangesAsync(s, after, 10_000);
            if (page.Count == 0) break;
            fed.AddRange(page.Where(c => c.Bank == "big").Select(c => c.EntryId));
            (s, after) = (page[^1].ChangeSeq, page[^1].EntryId);
        }
        Assert.Equal(all.Select(e => e.Id), fed);
        Console.WriteLine($"{Store.Kind}: {sw.Elapsed.TotalSeconds:F1} s after the walk");
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pages_match_a_brute_force_listing_while_the_bank_changes_between_them(bool includeDisabled)
    {
        await Store.CreateBankAsync("b");
        await Store.CreateBankAsync("other");
        // The model: every entry of the bank with its insertion rank; ids grow with that rank.
        var model = new List<(long Rank, EntryRecord Record, bool Disabled)>();
        long rank = 0;
        async Task AddAsync(IEnumerable<EntryRecord> records)
        {
            var list = records.ToList();
            await Store.ImportAsync("b", list);
            model.AddRange(list.Select(r => (++rank, r, false)));
        }
        await AddAsync(TestData.Many(600, seed: 11));
        await Store.ImportAsync("other", TestData.Many(40, seed: 12)); // interleaved ids of another bank

        var rng = new Random(5);
        var seen = new List<string>();
        long after = 0, lastRank = 0;
        int extra = 0;
        while (true)
        {
            var expected = model.Where(m => m.Rank > lastRank && (includeDisabled || !m.Disabled)).Take(37).ToList();
            var page = await Store.ListEntriesAsync("b", after, 37, includeDisabled);
            Assert.Equal(expected.Select(m => TestData.Key(m.Record).ToLowerInvariant()), page.Select(e => (e.SignalType + ":" + e.Value).ToLowerInvariant()));
            Assert.All(page, e => Assert.Equal("b", e.Bank));
            if (page.Count == 0) break;
            seen.AddRange(page.Select(e => e.Value));
            (after, lastRank) = (page[^1].Id, expected[^1].Rank);

            // Between pages: remove one entry ahead and one behind, disable one ahead, add a few.
            var ahead = model.Where(m => m.Rank > lastRank).ToList();
            var behind = model.Where(m => m.Rank <= lastRank).ToList();
            foreach (var victim in new[] { ahead, behind }.Where(l => l.Count > 0).Select(l => l[rng.Next(l.Count)]))
            {
                Assert.Equal(1, await Store.RemoveEntriesAsync("b", [(victim.Record.Type, victim.Record.Value)]));
                model.RemoveAll(m => m.Rank == victim.Rank);
            }
            if (ahead.Count > 2)
            {
                var d = ahead[1];
                if (model.FindIndex(m => m.Rank == d.Rank) is var i and >= 0 && !model[i].Disabled)
                {
                    Assert.Equal(1, await Store.SetDisabledAsync("b", [(d.Record.Type, d.Record.Value)], true, "test"));
                    model[i] = model[i] with { Disabled = true };
                }
            }
            if (extra++ < 10) await AddAsync(TestData.Many(3, seed: 100 + extra));
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [SkippableFact]
    public async Task A_page_of_an_unknown_bank_or_of_no_entries_is_refused()
    {
        await Assert.ThrowsAsync<BankException>(() => Store.ListEntriesAsync("nope", 0, 10));
        await Store.CreateBankAsync("b");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListEntriesAsync("b", 0, 0));
        Assert.Empty(await Store.ListEntriesAsync("b", long.MaxValue, 10));
    }
}
