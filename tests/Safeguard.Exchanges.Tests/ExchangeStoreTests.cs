using Safeguard.Banks;
using Safeguard.Exchanges;
using Safeguard.Signals;
using Safeguard.Storage.Exchanges;
using static Safeguard.Exchanges.Tests.Items;

namespace Safeguard.Exchanges.Tests;

/// <summary>The exchange store's contract, on SQLite and on PostgreSQL.</summary>
public sealed class ExchangeStoreTests
{
    private static ExchangeInfo Exchange(string name = "ngo", string bank = "ngo-bank") => new()
    {
        Name = name, Type = "file", Bank = bank, Settings = new([new("path", "/lists/ngo.txt")]), Interval = TimeSpan.FromMinutes(30),
    };

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Exchanges_are_added_with_their_bank_listed_updated_and_removed_leaving_the_bank(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        var added = await s.Exchanges.AddAsync(Exchange());
        Assert.Equal("ngo-bank", added.Bank);
        Assert.Equal("/lists/ngo.txt", added.Settings.Get("path"));
        Assert.Equal(TimeSpan.FromMinutes(30), added.Interval);
        Assert.True(added.Enabled);
        Assert.NotNull(await s.Banks.GetBankAsync("ngo-bank"));

        var dup = await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.AddAsync(Exchange(bank: "other")));
        Assert.Contains("already exists", dup.Message);
        var bound = await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.AddAsync(Exchange(name: "second")));
        Assert.Contains("ngo-bank", bound.Message);
        await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.AddAsync(Exchange(name: "bad name!")));

        await s.Banks.CreateBankAsync("existing");
        await s.Exchanges.AddAsync(Exchange(name: "b-ex", bank: "existing"));
        Assert.Equal(["b-ex", "ngo"], (await s.Exchanges.ListAsync()).Select(x => x.Name));
        Assert.Equal("b-ex", (await s.Exchanges.FindByBankAsync("existing"))!.Name);
        Assert.Null(await s.Exchanges.FindByBankAsync("nope"));

        var updated = await s.Exchanges.UpdateAsync("ngo", enabled: false, interval: TimeSpan.FromHours(2), settings: new([new("path", "/x")]));
        Assert.False(updated!.Enabled);
        Assert.False(updated.FeedbackEnabled);
        Assert.Equal(TimeSpan.FromHours(2), updated.Interval);
        Assert.Equal("/x", updated.Settings.Get("path"));
        Assert.True((await s.Exchanges.UpdateAsync("ngo", feedbackEnabled: true))!.FeedbackEnabled);
        Assert.False((await s.Exchanges.GetAsync("ngo"))!.Enabled); // unchanged when not given
        Assert.Null(await s.Exchanges.UpdateAsync("missing", enabled: true));

        await s.Exchanges.ApplyPageAsync("ngo", Page("c1", Add(1)), null);
        Assert.True(await s.Exchanges.RemoveAsync("ngo"));
        Assert.False(await s.Exchanges.RemoveAsync("ngo"));
        Assert.Null(await s.Exchanges.GetStatusAsync("ngo"));
        Assert.Single(await s.EntriesAsync("ngo-bank")); // the bank and its entries stay
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_page_imports_its_items_and_moves_the_checkpoint_only_from_the_expected_one(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange());
        var upstream = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var r = await s.Exchanges.ApplyPageAsync("ngo", Page("c1", Add(1, "u-1"), Add(2), Add(3)) with { UpstreamTime = upstream }, null);
        Assert.Equal(new PageResult(3, 3, 0, 0, 0, 0), r);
        var entries = await s.EntriesAsync("ngo-bank");
        Assert.Equal(3, entries.Count);
        Assert.All(entries.Values, e => Assert.Equal("exchange:ngo", e.SourceName));

        var moved = await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.ApplyPageAsync("ngo", Page("c2", Add(4)), "stale"));
        Assert.Contains("checkpoint", moved.Message);
        await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.ApplyPageAsync("ngo", Page("c2", Add(4)), null));
        Assert.Equal(3, (await s.EntriesAsync("ngo-bank")).Count); // nothing of the refused pages

        var status = (await s.Exchanges.GetStatusAsync("ngo"))!;
        Assert.Equal("c1", status.Checkpoint);
        Assert.Equal(upstream, status.UpstreamTime);
        Assert.Equal((1, 3, 0, 0), (status.Pages, status.Added, status.Updated, status.Withdrawn));
        await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.ApplyPageAsync("missing", Page("c1"), null));
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Withdrawn_entries_are_disabled_and_kept_and_enabled_again_when_they_return(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange());
        await s.Exchanges.ApplyPageAsync("ngo", Page("c1", Add(1), Add(2), Add(3)), null);
        // A person disabled 3 by hand: a withdrawal and a return leave that alone.
        await s.Banks.SetDisabledAsync("ngo-bank", [(SignalTypes.Md5, Md5(3))], true, "false positive");

        var r = await s.Exchanges.ApplyPageAsync("ngo", Page("c2", Withdraw(1), Withdraw(99), Withdraw(3)), "c1");
        Assert.Equal(1, r.Withdrawn);
        Assert.Equal(2, r.Unchanged); // 99 is unknown, 3 already disabled: counted, not errors
        var entries = await s.EntriesAsync("ngo-bank");
        Assert.Equal(3, entries.Count); // never deleted
        Assert.True(entries[Md5(1)].Disabled);
        Assert.StartsWith("withdrawn by exchange ngo at ", entries[Md5(1)].DisabledReason);
        Assert.False(entries[Md5(2)].Disabled);
        Assert.Equal("false positive", entries[Md5(3)].DisabledReason);

        r = await s.Exchanges.ApplyPageAsync("ngo", Page("c3", Add(1), Add(3)), "c2");
        Assert.Equal(1, r.Updated); // 1 enabled again
        entries = await s.EntriesAsync("ngo-bank");
        Assert.False(entries[Md5(1)].Disabled);
        Assert.Null(entries[Md5(1)].DisabledReason);
        Assert.True(entries[Md5(3)].Disabled);

        // In one page the later of an addition and a withdrawal wins.
        await s.Exchanges.ApplyPageAsync("ngo", Page("c4", Add(5), Withdraw(5), Withdraw(6), Add(6)), "c3");
        entries = await s.EntriesAsync("ngo-bank");
        Assert.True(entries[Md5(5)].Disabled);
        Assert.False(entries[Md5(6)].Disabled);
        var status = (await s.Exchanges.GetStatusAsync("ngo"))!;
        Assert.Equal((4, 2L), (status.Pages, status.Withdrawn)); // 1, then 5
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_page_that_replaces_all_disables_what_it_lacks_and_an_unchanged_page_writes_nothing(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange());
        await s.Exchanges.ApplyPageAsync("ngo", Page("c1", Add(1), Add(2), Add(3)) with { ReplacesAll = true }, null);
        var r = await s.Exchanges.ApplyPageAsync("ngo", Page("c2", Add(2), Add(4)) with { ReplacesAll = true }, "c1");
        Assert.Equal((1L, 2L), (r.Added, r.Withdrawn));
        var entries = await s.EntriesAsync("ngo-bank");
        Assert.Equal(4, entries.Count);
        Assert.True(entries[Md5(1)].Disabled && entries[Md5(3)].Disabled);
        Assert.False(entries[Md5(2)].Disabled || entries[Md5(4)].Disabled);

        var seq = await s.Banks.GetLastChangeSeqAsync();
        var unchanged = new ExchangePage { Items = Throwing(), Checkpoint = "c3", Unchanged = true };
        Assert.Equal(new PageResult(0, 0, 0, 0, 0, 0), await s.Exchanges.ApplyPageAsync("ngo", unchanged, "c2"));
        Assert.Equal(seq, await s.Banks.GetLastChangeSeqAsync());
        var status = (await s.Exchanges.GetStatusAsync("ngo"))!;
        Assert.Equal(("c3", 2L), (status.Checkpoint, status.Pages));

        r = await s.Exchanges.ApplyPageAsync("ngo", Page("c4", Add(1), Add(2), Add(3), Add(4)) with { ReplacesAll = true }, "c3");
        Assert.Equal(2, r.Updated); // 1 and 3 back
        Assert.All((await s.EntriesAsync("ngo-bank")).Values, e => Assert.False(e.Disabled));
    }

    private static IEnumerable<ExchangeItem> Throwing()
    {
        yield return Add(1);
        throw new InvalidOperationException("an unchanged page's items must not be read");
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Hostile_items_are_rejected_one_by_one_and_the_page_still_applies(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange());
        var huge = new string('n', 5000);
        var page = Page("c1",
            Add(1),
            new ExchangeItem(new EntryRecord(SignalTypes.Md5, "not-a-hash")),
            new ExchangeItem(new EntryRecord(SignalTypes.Pdq, "00")),
            new ExchangeItem(new EntryRecord(SignalTypes.Md5, Md5(2)) { Note = huge }),
            new ExchangeItem(new EntryRecord(SignalTypes.Md5, Md5(3)) { Category = 9 }),
            new ExchangeItem(new EntryRecord(SignalTypes.Md5, Md5(4)) { Tags = ["ok", huge] }),
            new ExchangeItem(new EntryRecord(SignalTypes.Md5, Md5(5)) { Metadata = new Dictionary<string, string> { ["k"] = huge } }),
            Add(6, upstreamId: huge),
            null!,
            new ExchangeItem(new EntryRecord(SignalTypes.Md5, Md5(7).ToUpperInvariant())),
            new ExchangeItem(new EntryRecord(SignalTypes.Md5, "not-a-hash"), Withdrawn: true));
        var r = await s.Exchanges.ApplyPageAsync("ngo", page, null);
        Assert.Equal(11, r.Read);
        Assert.Equal(9, r.Rejected);
        Assert.Equal(2, r.Added);
        Assert.Equal([Md5(1), Md5(7)], (await s.EntriesAsync("ngo-bank")).Keys.Order());
        Assert.Equal("c1", (await s.Exchanges.GetStatusAsync("ngo"))!.Checkpoint);
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Fetch_start_and_end_are_recorded_with_failures_counted(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange());
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        await s.Exchanges.RecordFetchStartAsync("ngo", t0);
        await s.Exchanges.RecordFetchEndAsync("ngo", t0.AddSeconds(5), "HTTP 503", t0.AddMinutes(1));
        await s.Exchanges.RecordFetchEndAsync("ngo", t0.AddSeconds(70), "HTTP 503", t0.AddMinutes(3));
        var failing = (await s.Exchanges.GetStatusAsync("ngo"))!;
        Assert.Equal((t0, (DateTimeOffset?)null, "HTTP 503", 2, t0.AddMinutes(3)),
            (failing.LastFetch!.Value, failing.LastSuccess, failing.Error, failing.ConsecutiveFailures, failing.NextFetch!.Value));
        await s.Exchanges.RecordFetchEndAsync("ngo", t0.AddSeconds(200), null, t0.AddMinutes(20));
        var ok = (await s.Exchanges.ListStatusAsync()).Single();
        Assert.Equal((t0.AddSeconds(200), (string?)null, 0), (ok.LastSuccess!.Value, ok.Error, ok.ConsecutiveFailures));
        Assert.Equal(TimeSpan.FromSeconds(100), ok.Lag(t0.AddSeconds(300)));
        await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.RecordFetchStartAsync("missing", t0));
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Feedback_waits_in_the_outbox_until_sent(string kind)
    {
        await using var s = await Stores.OpenAsync(kind);
        await s.Exchanges.AddAsync(Exchange());
        var fb = new ExchangeFeedback("md5", Md5(1), FeedbackVerdict.FalsePositive)
        {
            UpstreamId = "u-1", Note = "not abuse", Metadata = new Dictionary<string, string> { ["upstream_id"] = "u-1" },
        };
        await s.Exchanges.EnqueueFeedbackAsync("ngo", fb);
        await s.Exchanges.EnqueueFeedbackAsync("ngo", new ExchangeFeedback("md5", Md5(2), FeedbackVerdict.Confirmed));
        await Assert.ThrowsAsync<ExchangeException>(() => s.Exchanges.EnqueueFeedbackAsync("missing", fb));
        var pending = await s.Exchanges.PendingFeedbackAsync(10);
        Assert.Equal(2, pending.Count);
        var first = pending[0];
        Assert.Equal(("ngo", FeedbackVerdict.FalsePositive, "u-1", "not abuse", "u-1", 0),
            (first.Exchange, first.Feedback.Verdict, first.Feedback.UpstreamId, first.Feedback.Note, first.Feedback.Metadata["upstream_id"], first.Attempts));
        await s.Exchanges.CompleteFeedbackAsync(first.Id, "HTTP 500");
        await s.Exchanges.CompleteFeedbackAsync(pending[1].Id, null);
        var left = Assert.Single(await s.Exchanges.PendingFeedbackAsync(10));
        Assert.Equal((first.Id, 1), (left.Id, left.Attempts));
        Assert.Single(await s.Exchanges.PendingFeedbackAsync(1));
    }

    [Fact]
    public void Entries_from_an_exchange_name_it_as_their_source() => Assert.Equal("exchange:ngo", SqlExchangeStore.SourceName("ngo"));
}
