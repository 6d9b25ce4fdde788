using Safeguard.Banks;
using Safeguard.Signals;
using static Safeguard.Exchanges.Tests.Items;

namespace Safeguard.Exchanges.Tests;

/// <summary>
/// An initial load past <c>bulk_after</c> is gathered and added in one pass at the end: the bank it
/// leaves must be the one the same pages leave applied one by one (the second implementation here).
/// </summary>
public sealed class InitialLoadTests
{
    private static ExchangeInfo Exchange(int bulkAfter) => new()
    {
        Name = "big", Type = "file", Bank = "big-bank", Interval = TimeSpan.FromMinutes(30),
        Settings = new([new("path", "/lists/big.txt"), new(ExchangeFetcher.BulkAfterSetting, bulkAfter.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
    };

    private static ExchangeItem AddWith(int i, int category) =>
        new(new EntryRecord(SignalTypes.Md5, Md5(i)) { Category = category });

    /// <summary>Pages of random additions (with repeats carrying new categories), withdrawals, and returns after a withdrawal.</summary>
    private static List<ExchangePage> RandomPages(int seed, int pages, int perPage)
    {
        var rng = new Random(seed);
        var list = new List<ExchangePage>();
        for (int p = 0; p < pages; p++)
        {
            var items = new List<ExchangeItem>();
            var inPage = new HashSet<int>();
            for (int i = 0; i < perPage; i++)
            {
                int key = rng.Next(1, pages * perPage / 2);
                if (!inPage.Add(key)) continue; // one item per key and page (a page's own order is the import's business)
                items.Add(rng.Next(6) == 0 ? Withdraw(key) : AddWith(key, rng.Next(0, 4)));
            }
            list.Add(Page($"c{p + 1}", [.. items]));
        }
        return list;
    }

    private static async Task<Dictionary<string, (bool Disabled, bool ByPerson, int? Category)>> RunAsync(string kind, List<ExchangePage> pages, int bulkAfter,
        int personAt, Action<long>? pendingBeforeFinish = null, int interruptAt = -1)
    {
        await using var s = await Stores.OpenAsync(kind);
        s.Exchanges.MergeRangeKeys = 97; // many ranges, each its own transaction
        await s.Exchanges.AddAsync(Exchange(bulkAfter));
        string? checkpoint = null;
        for (int i = 0; i < pages.Count; i++)
        {
            if (i == interruptAt)
            {
                // The load looks finished, its merge stops after two ranges (as a kill would leave it), and upstream goes on.
                s.Exchanges.MaxMergeRangesPerCall = 2;
                await s.Exchanges.FinishInitialLoadAsync("big");
                Assert.True((await s.Exchanges.GetStatusAsync("big"))!.Pending > 0);
                s.Exchanges.MaxMergeRangesPerCall = int.MaxValue;
            }
            if (i == personAt)
            {
                // A person acts during the load: one entry added and one added and disabled by hand.
                await s.Banks.ImportAsync("big-bank", [new EntryRecord(SignalTypes.Md5, Md5(100_001)), new EntryRecord(SignalTypes.Md5, Md5(100_002))]);
                await s.Banks.SetDisabledAsync("big-bank", [(SignalTypes.Md5, Md5(100_002))], true, "false positive");
            }
            await s.Exchanges.ApplyPageAsync("big", pages[i], checkpoint);
            checkpoint = pages[i].Checkpoint;
        }
        pendingBeforeFinish?.Invoke((await s.Exchanges.GetStatusAsync("big"))!.Pending);
        await s.Exchanges.FinishInitialLoadAsync("big");
        Assert.Equal(0, (await s.Exchanges.GetStatusAsync("big"))!.Pending);
        Assert.Null(await s.Exchanges.FinishInitialLoadAsync("big")); // done once
        return (await s.EntriesAsync("big-bank")).ToDictionary(e => e.Key,
            e => (e.Value.Disabled, e.Value.DisabledReason == "false positive", e.Value.Category));
    }

    [SkippableTheory]
    [InlineData("sqlite", 1)]
    [InlineData("sqlite", 2)]
    [InlineData("postgres", 3)]
    public async Task A_gathered_initial_load_leaves_the_bank_that_page_by_page_application_leaves(string kind, int seed)
    {
        var pages = RandomPages(seed, pages: 40, perPage: 60);
        // The person's entries come back from upstream after they acted, with categories.
        pages.Add(Page("c-late", AddWith(100_001, 3), AddWith(100_002, 2)));
        long pending = 0;
        var gathered = await RunAsync(kind, pages, bulkAfter: 200, personAt: 25, pendingBeforeFinish: p => pending = p);
        var oneByOne = await RunAsync(kind, pages, bulkAfter: int.MaxValue, personAt: 25);
        Assert.True(pending > 1000, $"only {pending} rows were gathered: the test did not exercise the gathered path");
        Assert.Equal(oneByOne.Count, gathered.Count);
        foreach (var (value, expected) in oneByOne)
            Assert.True(gathered.TryGetValue(value, out var got) && got == expected, $"{value}: page by page {expected}, gathered {got}");
        Assert.Equal((false, false, 3), gathered[Md5(100_001)]);
        Assert.Equal((true, true, 2), gathered[Md5(100_002)]); // still disabled by the person, metadata merged
    }

    [SkippableTheory]
    [InlineData("sqlite", 4)]
    [InlineData("postgres", 5)]
    public async Task A_merge_left_half_done_is_finished_before_the_next_page_and_the_bank_is_the_same(string kind, int seed)
    {
        var pages = RandomPages(seed, pages: 30, perPage: 60);
        var interrupted = await RunAsync(kind, pages, bulkAfter: 100, personAt: 5, interruptAt: 20);
        var oneByOne = await RunAsync(kind, pages, bulkAfter: int.MaxValue, personAt: 5);
        Assert.Equal(oneByOne.Count, interrupted.Count);
        foreach (var (value, expected) in oneByOne)
            Assert.True(interrupted.TryGetValue(value, out var got) && got == expected, $"{value}: page by page {expected}, after an interrupted merge {got}");
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Gathered_entries_do_not_match_until_the_load_ends_and_later_pages_apply_at_once(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange(bulkAfter: 2));
        await s.Exchanges.ApplyPageAsync("big", Page("c1", Add(1), Add(2)), null);
        await s.Exchanges.ApplyPageAsync("big", Page("c2", Add(3), Add(4), Withdraw(1)), "c1");
        Assert.Equal(2, (await s.EntriesAsync("big-bank")).Count); // 3 and 4 wait
        Assert.Equal(3, (await s.Exchanges.GetStatusAsync("big"))!.Pending);

        var merged = await s.Exchanges.FinishInitialLoadAsync("big");
        Assert.Equal((2L, 1L), (merged!.Added, merged.Withdrawn));
        var entries = await s.EntriesAsync("big-bank");
        Assert.Equal(4, entries.Count);
        Assert.True(entries[Md5(1)].Disabled);
        Assert.StartsWith("withdrawn by exchange big at ", entries[Md5(1)].DisabledReason);
        var status = (await s.Exchanges.GetStatusAsync("big"))!;
        Assert.Equal((4L, 1L, 0L), (status.Added, status.Withdrawn, status.Pending));

        // The load is over: a page is applied as it comes.
        await s.Exchanges.ApplyPageAsync("big", Page("c3", Add(5)), "c2");
        Assert.Contains(Md5(5), (await s.EntriesAsync("big-bank")).Keys);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_withdrawal_by_upstream_id_during_a_load_first_adds_what_was_gathered(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange(bulkAfter: 1));
        await s.Exchanges.ApplyPageAsync("big", Page("c1", Add(1)), null);
        await s.Exchanges.ApplyPageAsync("big", Page("c2", Add(2, "m-7"), Add(3, "m-8")), "c1");
        var r = await s.Exchanges.ApplyPageAsync("big", Page("c3", ExchangeItem.WithdrawUpstreamId("m-7")), "c2");
        Assert.Equal((2L, 1L), (r.Added, r.Withdrawn));
        var entries = await s.EntriesAsync("big-bank");
        Assert.True(entries[Md5(2)].Disabled);
        Assert.False(entries[Md5(3)].Disabled);
        Assert.Equal(0, (await s.Exchanges.GetStatusAsync("big"))!.Pending);
    }

    [SkippableFact]
    public async Task A_cancelled_merge_keeps_every_gathered_row_for_the_next_try()
    {
        await using var s = await Stores.OpenAsync("sqlite");
        await s.Exchanges.AddAsync(Exchange(bulkAfter: 0));
        await s.Exchanges.ApplyPageAsync("big", Page("c1", [.. Enumerable.Range(1, 3000).Select(i => Add(i))]), null);
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.Exchanges.FinishInitialLoadAsync("big", cancelled.Token));
        }
        Assert.Empty(await s.EntriesAsync("big-bank"));
        Assert.Equal(3000, (await s.Exchanges.GetStatusAsync("big"))!.Pending);
        Assert.Equal(3000, (await s.Exchanges.FinishInitialLoadAsync("big"))!.Added);
        Assert.Equal(3000, (await s.EntriesAsync("big-bank")).Count);
    }
}
