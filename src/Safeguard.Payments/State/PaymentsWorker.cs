using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;

namespace Safeguard.Payments.State;

/// <summary>
/// Feeds rows into shared state a batch at a time. Every <see cref="BatchRows"/> rows read, the batch's
/// rows of this worker's <see cref="Partition"/> are run through an empty analyser to learn which
/// accounts they touch; then, in one store transaction, those accounts are locked in ordinal order and
/// loaded, the rows applied in a fresh analyser holding just those states, and the states written back.
/// A batch that fails is rolled back whole; with a <see cref="BatchPrefix"/> each batch is recorded, so
/// feeding the same input again skips what was already committed.
/// </summary>
public sealed class PaymentsWorker(IPaymentsStateStore store, IndicatorSettings? settings = null, IReadOnlyList<string>? knownFacilitators = null)
{
    private readonly IndicatorSettings _settings = settings ?? IndicatorSettings.Default;
    private readonly IReadOnlyList<string> _known = knownFacilitators ?? [];
    private readonly List<Row> _rows = [];
    private int _used;
    private PaymentsAnalyzer? _probe;
    private long _batchIndex, _inBatch;

    public int BatchRows { get; init; } = 20_000;
    public PaymentsPartition Partition { get; init; } = PaymentsPartition.All;
    /// <summary>Names this input (e.g. file, size, partition and batch size); batch ids are this plus the batch number.</summary>
    public string? BatchPrefix { get; init; }
    public int MaxAttempts { get; init; } = 10;

    public long RowsRead { get; private set; }
    public long RowsApplied { get; private set; }
    public long Batches { get; private set; }
    public long SkippedBatches { get; private set; }
    public long Retries { get; private set; }

    private sealed class Row
    {
        public string Id = "", Sender = "", Receiver = "", Currency = "", Description = "";
        public long Ticks;
        public CountryCode SenderCountry, ReceiverCountry;
        public ReceiverType ReceiverType;
        public Channel Channel;
        public int Mcc;
        public double Amount, AmountInBase;

        public void Set(in TransactionFields t)
        {
            Id = t.Id.ToString(); Sender = t.Sender.ToString(); Receiver = t.Receiver.ToString();
            Currency = t.Currency.ToString(); Description = t.Description.ToString();
            Ticks = t.Ticks; SenderCountry = t.SenderCountry; ReceiverCountry = t.ReceiverCountry;
            ReceiverType = t.ReceiverType; Channel = t.Channel; Mcc = t.Mcc; Amount = t.Amount; AmountInBase = t.AmountInBase;
        }

        public TransactionFields Fields() => new()
        {
            Id = Id, Sender = Sender, Receiver = Receiver, Currency = Currency, Description = Description,
            Ticks = Ticks, SenderCountry = SenderCountry, ReceiverCountry = ReceiverCountry, ReceiverType = ReceiverType,
            Channel = Channel, Mcc = Mcc, Amount = Amount, AmountInBase = AmountInBase,
        };
    }

    public void Observe(in TransactionFields t)
    {
        RowsRead++;
        if (Partition.Contains(t.Sender))
        {
            var probe = _probe ??= new PaymentsAnalyzer(_settings, _known);
            probe.Observe(t);
            // Rows that touch no state never intern their sender; the rest are kept (with any
            // later row of the same sender, which is harmless to replay).
            if (probe.Accounts.TryFind(t.Sender, out int id) && probe.Senders.ContainsKey(id))
            {
                if (_used == _rows.Count) _rows.Add(new Row());
                _rows[_used++].Set(t);
            }
        }
        if (++_inBatch >= BatchRows) Flush();
    }

    /// <summary>Applies the rows read since the last batch.</summary>
    public void Flush()
    {
        long index = _batchIndex++;
        _inBatch = 0;
        var probe = _probe;
        _probe = null;
        if (_used == 0 || probe is null) return;
        var names = new List<string>(probe.Senders.Count + probe.Receivers.Count);
        foreach (var id in probe.Senders.Keys) names.Add(probe.Accounts.NameOf(id));
        foreach (var id in probe.Receivers.Keys) if (!probe.Senders.ContainsKey(id)) names.Add(probe.Accounts.NameOf(id));
        names.Sort(StringComparer.Ordinal);
        string? batchId = BatchPrefix is null ? null : $"{BatchPrefix}#{index}";

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Apply(names, batchId);
                break;
            }
            catch (Exception e) when (attempt < MaxAttempts && store.IsTransient(e))
            {
                Retries++;
                Thread.Sleep(Random.Shared.Next(5, 20 * attempt));
            }
        }
        _used = 0;
    }

    private void Apply(List<string> names, string? batchId)
    {
        using var tx = store.Begin();
        if (batchId is not null && !tx.Claim(batchId)) { SkippedBatches++; return; }
        var analyzer = new PaymentsAnalyzer(_settings, _known);
        analyzer.ImportStates(tx.LoadForUpdate(names));
        for (int i = 0; i < _used; i++) analyzer.Observe(_rows[i].Fields());
        tx.Save(analyzer.ExportStates(names));
        tx.Commit();
        Batches++;
        RowsApplied += _used;
    }

    private struct Sink(PaymentsWorker worker) : ITransactionSink
    {
        public readonly void Accept(in TransactionFields transaction, FeedReader reader) => worker.Observe(transaction);
    }

    /// <summary>Reads the feeds through the worker and applies the last batch.</summary>
    public FeedReader Feed(IReadOnlyList<string> feeds, FeedOptions options, Action<FeedError> onError, IFeedProgress? progress = null)
    {
        var reader = new FeedReader(options, onError);
        var sink = new Sink(this);
        reader.Read(feeds, ref sink, progress);
        Flush();
        return reader;
    }

    /// <summary>An analyser holding every stored state, ready to <see cref="PaymentsAnalyzer.Score"/>.</summary>
    public static PaymentsAnalyzer LoadAnalyzer(IPaymentsStateStore store, IndicatorSettings? settings = null, IEnumerable<string>? knownFacilitators = null)
    {
        var analyzer = new PaymentsAnalyzer(settings, knownFacilitators);
        using var tx = store.Begin();
        analyzer.ImportStates(tx.LoadAll());
        tx.Commit();
        return analyzer;
    }
}
