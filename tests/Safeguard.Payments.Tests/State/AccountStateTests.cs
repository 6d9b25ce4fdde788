using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.State;

namespace Safeguard.Payments.Tests.State;

public sealed class AccountStateTests
{
    private static readonly List<Transaction> Feed = StateFeeds.Rows(StateFeeds.Small(5));

    [Fact]
    public void Exported_state_imported_into_a_fresh_analyser_scores_identically()
    {
        var original = StateFeeds.Analyze(Feed);
        var copy = new PaymentsAnalyzer();
        copy.ImportStates(original.ExportAllStates());
        Assert.Equal(original.Senders.Count, copy.Senders.Count);
        Assert.Equal(original.Receivers.Count, copy.Receivers.Count);
        Assert.Equal(StateFeeds.Output(original), StateFeeds.Output(copy));
        // And the copy's own export is byte for byte the same.
        var again = copy.ExportAllStates();
        Assert.Equal(original.ExportAllStates().Select(s => (s.Account, Convert.ToBase64String(s.State))), again.Select(s => (s.Account, Convert.ToBase64String(s.State))));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.7)]
    public void Continuing_from_a_snapshot_equals_reading_the_whole_feed(double split)
    {
        int cut = (int)(Feed.Count * split);
        var first = StateFeeds.Analyze(Feed.Take(cut));
        var resumed = new PaymentsAnalyzer();
        resumed.ImportStates(first.ExportAllStates());
        StateFeeds.Analyze(Feed.Skip(cut), resumed);
        var whole = StateFeeds.Analyze(Feed);
        Assert.Equal(StateFeeds.Output(whole), StateFeeds.Output(resumed));
    }

    [Fact]
    public void Evidence_past_its_bounds_continues_like_the_original()
    {
        var e = new Evidence();
        for (int i = 0; i < 37; i++) e.Add($"t{i}");
        var copy = new Evidence();
        copy.Restore(e.Ids(), e.Count);
        for (int i = 37; i < 45; i++) { e.Add($"t{i}"); copy.Add($"t{i}"); }
        Assert.Equal(45, copy.Count);
        // First ten, then the last ten of 45, computed by hand.
        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"t{i}"), .. Enumerable.Range(35, 10).Select(i => $"t{i}")], copy.Ids());
    }

    [Fact]
    public void Counterparties_are_stored_by_name_not_by_local_number()
    {
        var a = StateFeeds.Analyze(Feed);
        var link = a.Senders.Values.First(s => s.Recipients.Count > 0);
        string sender = a.Accounts.NameOf(link.Account), receiver = a.Accounts.NameOf(link.Recipients[0].Receiver);
        var b = new PaymentsAnalyzer();
        for (int i = 0; i < 50; i++) b.Accounts.Intern($"other-{i}"); // different numbering
        b.ImportStates(a.ExportStates([sender]));
        Assert.True(b.Accounts.TryFind(sender, out int bs));
        Assert.Equal(receiver, b.Accounts.NameOf(b.Senders[bs].Recipients[0].Receiver));
        Assert.Equal(link.Recipients[0].Count, b.Senders[bs].Recipients[0].Count);
    }

    [Fact]
    public void Unknown_version_is_refused()
    {
        var a = StateFeeds.Analyze(Feed);
        var s = a.ExportAllStates()[0];
        var bad = (byte[])s.State.Clone();
        bad[0] = 99;
        Assert.Throws<InvalidDataException>(() => new PaymentsAnalyzer().ImportStates([new AccountStateSnapshot(s.Account, bad)]));
    }

    [Theory]
    [InlineData("", 2166136261u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Partition_hash_is_fnv1a(string text, uint expected) => Assert.Equal(expected, PaymentsPartition.Fnv1a(text));

    [Fact]
    public void Partitions_cover_every_sender_once()
    {
        var parts = Enumerable.Range(0, 3).Select(k => new PaymentsPartition(k, 3)).ToArray();
        foreach (var name in Feed.Select(t => t.Sender).Distinct())
            Assert.Equal(1, parts.Count(p => p.Contains(name)));
        Assert.Equal(new PaymentsPartition(1, 4), PaymentsPartition.Parse("1/4"));
        Assert.Throws<FormatException>(() => PaymentsPartition.Parse("4/4"));
    }

    [Theory]
    [InlineData(1, 97)]
    [InlineData(2, 500)]
    [InlineData(3, 4000)]
    public void Workers_on_partitions_give_the_same_subjects_as_one_analyser(int workers, int batchRows)
    {
        using var store = new InMemoryPaymentsStateStore();
        var threads = Enumerable.Range(0, workers).Select(k => new Thread(() =>
        {
            var worker = new PaymentsWorker(store) { BatchRows = batchRows, Partition = new PaymentsPartition(k, workers) };
            StateFeeds.Feed(worker, Feed);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        StateFeeds.AssertSameSubjects(StateFeeds.Analyze(Feed), PaymentsWorker.LoadAnalyzer(store));
    }

    /// <summary>A store whose <see cref="IPaymentsStateTransaction.Save"/> fails on the given save, as a worker killed mid-batch.</summary>
    public sealed class FailingStore(IPaymentsStateStore inner, int failOnSave) : IPaymentsStateStore
    {
        private readonly int _failOnSave = failOnSave;
        private int _saves;
        public IPaymentsStateTransaction Begin() => new Tx(inner.Begin(), this);
        public bool IsTransient(Exception error) => false;
        public void Dispose() { }

        private sealed class Tx(IPaymentsStateTransaction inner, FailingStore store) : IPaymentsStateTransaction
        {
            public bool Claim(string batchId) => inner.Claim(batchId);
            public IReadOnlyList<AccountStateSnapshot> LoadForUpdate(IReadOnlyList<string> sortedAccounts) => inner.LoadForUpdate(sortedAccounts);
            public void Save(IReadOnlyList<AccountStateSnapshot> states)
            {
                inner.Save(states);
                if (++store._saves == store._failOnSave) throw new IOException("killed");
            }
            public IReadOnlyList<AccountStateSnapshot> LoadAll() => inner.LoadAll();
            public void Commit() => inner.Commit();
            public void Dispose() => inner.Dispose();
        }
    }

    [Fact]
    public void A_worker_killed_mid_batch_loses_nothing_committed_and_a_rerun_skips_committed_batches()
    {
        const int batch = 300;
        using var store = new InMemoryPaymentsStateStore();
        var killed = new PaymentsWorker(new FailingStore(store, failOnSave: 4)) { BatchRows = batch, BatchPrefix = "feed-a" };
        Assert.Throws<IOException>(() => StateFeeds.Feed(killed, Feed));
        Assert.Equal(3, killed.Batches);
        // One worker keeps every account's rows in order, so the stored state is exactly that of the first three batches.
        Assert.Equal(StateFeeds.Output(StateFeeds.Analyze(Feed.Take(3 * batch))), StateFeeds.Output(PaymentsWorker.LoadAnalyzer(store)));

        var rerun = new PaymentsWorker(store) { BatchRows = batch, BatchPrefix = "feed-a" };
        StateFeeds.Feed(rerun, Feed);
        Assert.Equal(3, rerun.SkippedBatches);
        Assert.Equal(StateFeeds.Output(StateFeeds.Analyze(Feed)), StateFeeds.Output(PaymentsWorker.LoadAnalyzer(store)));
    }
}
