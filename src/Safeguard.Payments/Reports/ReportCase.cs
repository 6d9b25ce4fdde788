using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Reports;

/// <summary>Everything one report is written from: the subject, its transactions, and what was left out.</summary>
public sealed record ReportCase
{
    public required ScanSubject Subject { get; init; }
    /// <summary>In time order, then by id.</summary>
    public required IReadOnlyList<Transaction> Transactions { get; init; }
    /// <summary>Transaction ids, each with the names of the indicators that point at it.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> IndicatorsOf { get; init; }
    /// <summary>Transactions of the subject with its counterparties that were left out past the cap.</summary>
    public long Omitted { get; init; }
    public int Cap { get; init; }
    /// <summary>Ids the indicators name that no feed held.</summary>
    public IReadOnlyList<string> NotFound { get; init; } = [];
    public required string BaseCurrency { get; init; }
    public required IReadOnlyList<string> Feeds { get; init; }
}

/// <summary>
/// Picks a subject's transactions from the feeds: every transaction an indicator names, and every
/// transaction between the subject and one of its counterparties, the latter up to a cap.
/// </summary>
public static class TransactionSelector
{
    public const int DefaultCap = 10_000;

    public static ReportCase Select(ScanSubject subject, IEnumerable<Transaction> feed, string baseCurrency, IReadOnlyList<string> feeds, int cap = DefaultCap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        var indicatorsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var hit in subject.Indicators)
            foreach (var id in hit.Transactions)
            {
                if (!indicatorsOf.TryGetValue(id, out var names)) indicatorsOf[id] = names = [];
                if (!names.Contains(hit.Name)) names.Add(hit.Name);
            }
        var counterparties = new HashSet<string>(subject.Counterparties, StringComparer.Ordinal);
        var named = new Dictionary<string, Transaction>(StringComparer.Ordinal);
        var others = new List<Transaction>();
        var seenOther = new HashSet<string>(StringComparer.Ordinal);
        long omitted = 0;
        string who = subject.Subject;
        foreach (var t in feed)
        {
            if (indicatorsOf.ContainsKey(t.Id))
            {
                named.TryAdd(t.Id, t);
                continue;
            }
            bool withCounterparty = (t.Sender == who && counterparties.Contains(t.Receiver)) || (t.Receiver == who && counterparties.Contains(t.Sender));
            if (!withCounterparty || !seenOther.Add(t.Id)) continue;
            others.Add(t);
            if (others.Count >= 2 * cap) omitted += KeepLatest(others, cap);
        }
        // The cap is on the whole report; named transactions are evidence and always stay.
        int room = Math.Max(0, cap - named.Count);
        omitted += KeepLatest(others, room);
        var all = new List<Transaction>(named.Count + others.Count);
        all.AddRange(named.Values);
        all.AddRange(others);
        all.Sort(ByTime);
        var notFound = indicatorsOf.Keys.Where(id => !named.ContainsKey(id)).Order(StringComparer.Ordinal).ToList();
        return new ReportCase
        {
            Subject = subject, Transactions = all, Omitted = omitted, Cap = cap, NotFound = notFound, BaseCurrency = baseCurrency, Feeds = feeds,
            IndicatorsOf = indicatorsOf.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal),
        };
    }

    /// <summary>Cuts the list to its <paramref name="keep"/> latest transactions (a report is about the recent pattern); returns how many went.</summary>
    private static int KeepLatest(List<Transaction> list, int keep)
    {
        if (list.Count <= keep) return 0;
        list.Sort(ByTime);
        int cut = list.Count - keep;
        list.RemoveRange(0, cut);
        return cut;
    }

    private static int ByTime(Transaction a, Transaction b)
    {
        int c = a.Timestamp.CompareTo(b.Timestamp);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }
}
