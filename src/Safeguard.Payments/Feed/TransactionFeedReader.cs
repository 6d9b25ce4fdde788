namespace Safeguard.Payments.Feed;

/// <summary>
/// Feeds as <see cref="Transaction"/> records (with their extra columns), for reports and tests that
/// need the rows themselves; the same reader, checks and errors as the scan.
/// </summary>
public static class TransactionFeedReader
{
    private struct CollectingSink(List<Transaction> into, Func<TransactionFields, bool>? keep, int max) : ITransactionSink
    {
        public long Dropped;

        public void Accept(in TransactionFields transaction, FeedReader reader)
        {
            if (keep is not null && !keep(transaction)) return;
            if (into.Count >= max) { Dropped++; return; }
            into.Add(transaction.ToTransaction(reader.CurrentExtra()));
        }
    }

    /// <summary>Reads the feeds, keeping the rows <paramref name="keep"/> accepts (all by default), at most <paramref name="max"/>.</summary>
    public static List<Transaction> Read(IReadOnlyList<string> paths, FeedOptions options, Action<FeedError> onError,
        Func<TransactionFields, bool>? keep = null, int max = int.MaxValue) => Read(paths, options, onError, out _, keep, max);

    public static List<Transaction> Read(IReadOnlyList<string> paths, FeedOptions options, Action<FeedError> onError, out FeedReader reader,
        Func<TransactionFields, bool>? keep = null, int max = int.MaxValue)
    {
        var list = new List<Transaction>();
        var sink = new CollectingSink(list, keep, max);
        reader = new FeedReader(options, onError);
        reader.Read(paths, ref sink);
        return list;
    }
}
