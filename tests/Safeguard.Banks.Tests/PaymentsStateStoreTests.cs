using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.State;
using Safeguard.Payments.Synthetic;
using Safeguard.Storage.Payments;

namespace Safeguard.Banks.Tests;

/// <summary>Payments state shared in PostgreSQL by several workers.</summary>
public sealed class PaymentsStateStoreTests
{
    private static readonly Lazy<List<Transaction>> Feed = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"pg-state-feed-{Guid.NewGuid():N}.csv");
        try
        {
            var settings = FeedSettings.Tuned(7) with { Days = 150, Ordinary = 60, DonorsPerCharity = 10, Tourists = 8 };
            using (var f = File.Create(path)) new FeedGenerator(settings).Write(f);
            return TransactionFeedReader.Read([path], new FeedOptions(), e => throw new InvalidOperationException(e.ToString()));
        }
        finally { File.Delete(path); }
    });

    private static PaymentsAnalyzer Analyze(IEnumerable<Transaction> rows)
    {
        var a = new PaymentsAnalyzer();
        foreach (var t in rows) a.Observe(TransactionFields.From(t));
        return a;
    }

    private static void Run(PaymentsWorker worker, IEnumerable<Transaction> rows)
    {
        foreach (var t in rows) worker.Observe(TransactionFields.From(t));
        worker.Flush();
    }

    private static void AssertSameSubjects(PaymentsAnalyzer expected, PaymentsAnalyzer actual)
    {
        var e = expected.Score().OrderBy(s => s.Account, StringComparer.Ordinal).ThenBy(s => s.Role).ToList();
        var a = actual.Score().OrderBy(s => s.Account, StringComparer.Ordinal).ThenBy(s => s.Role).ToList();
        Assert.True(e.Count > 5, $"the feed should give subjects (got {e.Count})");
        Assert.Contains(e, s => s.Role == SubjectRole.Facilitator);
        Assert.Equal(e.Select(s => (s.Account, s.Role, s.Level)), a.Select(s => (s.Account, s.Role, s.Level)));
        for (int i = 0; i < e.Count; i++)
            Assert.True(Math.Abs(e[i].Score - a[i].Score) <= 1e-9, $"{e[i].Account}: {e[i].Score} vs {a[i].Score}");
    }

    [SkippableTheory]
    [InlineData(2, 150)]
    [InlineData(2, 1000)]
    [InlineData(3, 400)]
    public async Task Workers_sharing_the_state_give_the_subjects_of_one_analyser(int workers, int batchRows)
    {
        var (schema, cs) = await Postgres.CreateSchemaAsync("paystate_");
        try
        {
            var stores = new List<PostgresPaymentsStateStore>();
            for (int k = 0; k < workers; k++) stores.Add(await PostgresPaymentsStateStore.OpenAsync(cs));
            var runs = stores.Select((store, k) => Task.Factory.StartNew(() =>
            {
                var w = new PaymentsWorker(store) { BatchRows = batchRows, Partition = new PaymentsPartition(k, workers), BatchPrefix = $"feed/{k}/{workers}" };
                Run(w, Feed.Value);
                return w;
            }, TaskCreationOptions.LongRunning)).ToList();
            var done = await Task.WhenAll(runs);
            Assert.All(done, w => Assert.True(w.Batches > 1));
            Assert.Equal(Feed.Value.Count, done.Sum(w => w.RowsRead) / workers);
            foreach (var s in stores) s.Dispose();

            using var reader = await PostgresPaymentsStateStore.OpenAsync(cs);
            AssertSameSubjects(Analyze(Feed.Value), PaymentsWorker.LoadAnalyzer(reader));
        }
        finally { await Postgres.DropSchemaAsync(schema); }
    }

    [SkippableFact]
    public async Task A_rolled_back_batch_changes_nothing_and_a_rerun_skips_committed_batches()
    {
        var (schema, cs) = await Postgres.CreateSchemaAsync("paystate_");
        try
        {
            using var store = await PostgresPaymentsStateStore.OpenAsync(cs);
            const int batch = 300;
            var first = new PaymentsWorker(store) { BatchRows = batch, BatchPrefix = "feed" };
            Run(first, Feed.Value.Take(3 * batch));
            List<(string, string)> committed;
            using (var tx = store.Begin()) committed = [.. tx.LoadAll().Select(s => (s.Account, Convert.ToBase64String(s.State)))];
            Assert.NotEmpty(committed);

            // A worker that dies after writing but before committing: its transaction is rolled back.
            var names = committed.Select(c => c.Item1).Take(20).Concat(["new-account"]).Order(StringComparer.Ordinal).ToList();
            using (var tx = store.Begin())
            {
                var loaded = tx.LoadForUpdate(names);
                Assert.Equal(20, loaded.Count);
                tx.Save([.. loaded.Select(s => new AccountStateSnapshot(s.Account, [1, 0]))]);
            }
            using (var tx = store.Begin())
                Assert.Equal(committed, tx.LoadAll().Select(s => (s.Account, Convert.ToBase64String(s.State))));

            var rerun = new PaymentsWorker(store) { BatchRows = batch, BatchPrefix = "feed" };
            Run(rerun, Feed.Value);
            Assert.Equal(3, rerun.SkippedBatches);
            AssertSameSubjects(Analyze(Feed.Value), PaymentsWorker.LoadAnalyzer(store));
        }
        finally { await Postgres.DropSchemaAsync(schema); }
    }

    [SkippableFact]
    public async Task Saving_an_account_not_locked_is_refused()
    {
        var (schema, cs) = await Postgres.CreateSchemaAsync("paystate_");
        try
        {
            using var store = await PostgresPaymentsStateStore.OpenAsync(cs);
            using var tx = store.Begin();
            Assert.Throws<InvalidOperationException>(() => tx.Save([new AccountStateSnapshot("nobody", [1, 0])]));
        }
        finally { await Postgres.DropSchemaAsync(schema); }
    }
}
