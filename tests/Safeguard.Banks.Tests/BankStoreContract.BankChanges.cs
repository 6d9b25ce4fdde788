using Safeguard.Signals;
using Safeguard.Storage.Banks;

namespace Safeguard.Banks.Tests;

/// <summary>One bank's change feed: the store-wide feed filtered to the bank, paged anywhere, as an index range.</summary>
public abstract partial class BankStoreContract
{
    private static EntryRecord Md5Of(int salt, int i) => new(SignalTypes.Md5, $"{salt:x8}{i:x24}");

    [SkippableFact]
    public async Task A_bank_change_feed_is_the_store_feed_filtered_to_that_bank_in_any_page_size()
    {
        await Store.CreateBankAsync("fed");
        await Store.CreateBankAsync("other");
        await Store.ImportAsync("fed", Enumerable.Range(0, 40).Select(i => Md5Of(1, i)));
        await Store.ImportAsync("other", Enumerable.Range(0, 30).Select(i => Md5Of(2, i)));
        await Store.ImportAsync("fed", Enumerable.Range(35, 20).Select(i => Md5Of(1, i))); // 5 updates, 15 new
        await Store.SetDisabledAsync("fed", [(SignalTypes.Md5, Md5Of(1, 3).Value), (SignalTypes.Md5, Md5Of(1, 4).Value)], true, "withdrawn");
        await Store.RemoveEntriesAsync("fed", [(SignalTypes.Md5, Md5Of(1, 7).Value)]);
        await Store.RemoveEntriesAsync("other", [(SignalTypes.Md5, Md5Of(2, 1).Value)]);

        // The independent expectation: the whole store's feed, read in one go and filtered.
        var expected = (await Store.GetChangesAsync(0, 0, 100_000)).Where(c => c.Bank == "fed")
            .Select(c => (c.ChangeSeq, c.EntryId, c.Removed, c.Disabled, c.Value)).ToList();
        Assert.Equal(55 - 1 + 1, expected.Count); // 55 entries still there, plus the removal
        Assert.Equal(2, expected.Count(c => c.Disabled));
        Assert.Single(expected, c => c.Removed && c.Value == Md5Of(1, 7).Value);

        foreach (int pageSize in new[] { 1, 3, 7, 54, 1000 })
        {
            var walked = new List<(long, long, bool, bool, string)>();
            long seq = 0, after = 0;
            for (int guard = 0; guard < 1000; guard++)
            {
                var page = await Store.GetBankChangesAsync("fed", seq, after, pageSize);
                Assert.True(page.Count <= pageSize);
                if (page.Count == 0) break;
                Assert.All(page, c => Assert.Equal("fed", c.Bank));
                walked.AddRange(page.Select(c => (c.ChangeSeq, c.EntryId, c.Removed, c.Disabled, c.Value)));
                (seq, after) = (page[^1].ChangeSeq, page[^1].EntryId);
            }
            Assert.Equal(expected, walked);
        }

        // A checkpoint at the end sees only what comes later.
        var last = expected[^1];
        Assert.Empty(await Store.GetBankChangesAsync("fed", last.ChangeSeq, last.EntryId, 10));
        await Store.ImportAsync("fed", [Md5Of(1, 500)]);
        var next = await Store.GetBankChangesAsync("fed", last.ChangeSeq, last.EntryId, 10);
        Assert.Equal(Md5Of(1, 500).Value, Assert.Single(next).Value);

        await Assert.ThrowsAsync<BankException>(() => Store.GetBankChangesAsync("no-such-bank", 0, 0, 10));
    }

    [SkippableFact]
    public async Task A_bank_change_feed_page_is_an_index_range()
    {
        await Store.CreateBankAsync("fed");
        await Store.CreateBankAsync("other");
        await Store.ImportAsync("fed", Enumerable.Range(0, 2000).Select(i => Md5Of(1, i)));
        await Store.ImportAsync("other", Enumerable.Range(0, 2000).Select(i => Md5Of(2, i)));
        long bankId = (await Store.GetBankAsync("fed"))!.Id;
        var sql = (SqlBankStore)Store;
        var plan = await sql.ExplainAsync(SqlBankStore.BankChangesSql, ("@b", bankId), ("@n", "fed"), ("@s", 1L), ("@a", 1000L), ("@l", 100L));
        AssertIndexRange(plan, "entries_bank_change (bank_id=? AND change_seq=? AND id>?)", sortsPage: true);
        if (IsSqlite)
        {
            var text = string.Join("\n", plan);
            Assert.Contains("entries_bank_change (bank_id=? AND change_seq>?)", text);
            Assert.Contains("entry_removals_bank_change (bank_name=? AND change_seq=? AND entry_id>?)", text);
        }
    }
}
