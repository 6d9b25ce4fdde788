using System.Text.Json;
using Microsoft.Extensions.Logging;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Output;
using Safeguard.Server.Review;

namespace Safeguard.Server.Payments;

/// <summary>A subject whose level changed in a batch, with the review item it was queued as (if any).</summary>
public sealed record ChangedSubject(Subject Subject, RiskLevel Before, long? ReviewItemId);

/// <summary>What one batch did: rows kept and failed, the first errors, and the subjects that reached the review level.</summary>
public sealed record PaymentsBatch(long RowsAccepted, long RowsFailed, IReadOnlyList<string> Errors, long ErrorsOmitted, long OutOfOrderRows,
    long Bytes, IReadOnlyList<ChangedSubject> Changed);

/// <summary>
/// The service's one long-lived payments analyser: every batch of every caller streams into the same
/// per-account state, one batch at a time (the analyser is single-threaded). After each batch only the
/// accounts it touched, and those they reach, are re-scored (<see cref="SubjectScorer.ScoreAffected"/>);
/// a subject that reaches the review level is queued once, and again only when its level rises.
/// </summary>
public sealed class PaymentsMonitor(ServerOptions options, ReviewStore review, ILogger<PaymentsMonitor> log) : IDisposable
{
    public const string ReviewKind = "payments-subject";
    public const string RequestName = "request";
    private const int ErrorsShown = 20;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PaymentsAnalyzer _analyzer = new(options.PaymentsIndicators);
    private readonly Dictionary<(int, SubjectRole), RiskLevel> _levels = [];
    private readonly Dictionary<(int, SubjectRole), RiskLevel> _queued = [];
    private readonly HashSet<int> _touchedSenders = [], _touchedReceivers = [];
    private readonly List<string> _errors = [];
    private long _errorCount;
    private FeedReader? _reader;

    public RiskLevel ReviewLevel => options.PaymentsReviewLevel;

    /// <summary>Rows observed since the server started.</summary>
    public long Observed => _analyzer.Observed;

    private struct TouchSink(PaymentsAnalyzer analyzer, HashSet<int> senders, HashSet<int> receivers) : ITransactionSink
    {
        public readonly void Accept(in TransactionFields t, FeedReader reader)
        {
            analyzer.Observe(t);
            // Only a tracked sender's rows change state; a receiver's state changes only through one.
            if (!analyzer.Accounts.TryFind(t.Sender, out int s) || !analyzer.Senders.ContainsKey(s)) return;
            senders.Add(s);
            if (analyzer.Accounts.TryFind(t.Receiver, out int r) && analyzer.Receivers.ContainsKey(r)) receivers.Add(r);
        }
    }

    /// <summary>Reads one batch (synchronously, from a body that allows it) into the analyser and queues what reached the review level.</summary>
    public async Task<PaymentsBatch> IngestAsync(Stream body, FeedFormat format, string actor, CancellationToken ct)
    {
        var capped = new CappedBody(body, options.MaxPaymentsBatchBytes);
        List<(ChangedSubject Change, JsonElement? View)> changed;
        long rows, failed, outOfOrder, errorsOmitted;
        List<string> errors;
        Errors.PayloadTooLargeException? tooLarge = null;
        await _gate.WaitAsync(ct);
        try
        {
            // One reader for the service's life: the base currency and time order carry across batches.
            var reader = _reader ??= new FeedReader(new FeedOptions { MaxErrorsReported = 1_000_000_000 }, OnError);
            long rows0 = reader.Rows, failed0 = reader.FailedRows + reader.FailedFiles, order0 = reader.OutOfOrderRows;
            _errors.Clear();
            _errorCount = 0;
            _touchedSenders.Clear();
            _touchedReceivers.Clear();
            var sink = new TouchSink(_analyzer, _touchedSenders, _touchedReceivers);
            try
            {
                reader.ReadStream(capped, RequestName, format, ref sink);
            }
            catch (Errors.PayloadTooLargeException ex)
            {
                tooLarge = ex;
            }
            finally
            {
                rows = reader.Rows - rows0;
                failed = reader.FailedRows + reader.FailedFiles - failed0;
                outOfOrder = reader.OutOfOrderRows - order0;
                errors = [.. _errors];
                errorsOmitted = _errorCount - _errors.Count;
                // Rows read before a cut-off (413, a dropped connection) are kept, so their subjects are scored too.
                changed = Rescore();
            }
        }
        finally
        {
            _gate.Release();
        }
        var results = new List<ChangedSubject>(changed.Count);
        foreach (var (change, view) in changed)
        {
            if (view is null) { results.Add(change); continue; }
            long? id = null;
            try
            {
                id = await review.CreateAsync(new ReviewItem { Kind = ReviewKind, FileName = change.Subject.Account, PaymentsSubject = view }, null, actor);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException)
            {
                log.LogError("could not queue payments subject {Subject} for review: {Message}", change.Subject.Account, ex.Message);
            }
            results.Add(change with { ReviewItemId = id });
        }
        if (tooLarge is not null) throw tooLarge;
        return new PaymentsBatch(rows, failed, errors, errorsOmitted, outOfOrder, capped.BytesRead, results);
    }

    private void OnError(FeedError e)
    {
        if (++_errorCount <= ErrorsShown) _errors.Add(e.ToString());
    }

    /// <summary>Re-scores what the batch touched; returns the subjects whose level changed to at least the review level, with the evidence of those to queue.</summary>
    private List<(ChangedSubject, JsonElement?)> Rescore()
    {
        var changed = new List<(ChangedSubject, JsonElement?)>();
        if (_touchedSenders.Count == 0 && _touchedReceivers.Count == 0) return changed;
        var scorer = new SubjectScorer(_analyzer);
        foreach (var s in scorer.ScoreAffected(_touchedSenders, _touchedReceivers))
        {
            _analyzer.Accounts.TryFind(s.Account, out int id);
            var key = (id, s.Role);
            var before = _levels.GetValueOrDefault(key, RiskLevel.None);
            if (s.Level == before) continue;
            _levels[key] = s.Level;
            if (s.Level < ReviewLevel) continue;
            JsonElement? view = null;
            if (s.Level > _queued.GetValueOrDefault(key, RiskLevel.None))
            {
                _queued[key] = s.Level;
                view = SubjectView.ToElement(_analyzer, s);
            }
            changed.Add((new ChangedSubject(s, before, null), view));
        }
        return changed;
    }

    /// <summary>The account's subject (its higher-scoring role) with timeline and network, or null when it is not a subject.</summary>
    public async Task<JsonElement?> ViewAsync(string account, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_analyzer.Accounts.TryFind(account, out int id)) return null;
            var subjects = new SubjectScorer(_analyzer).ScoreSubset(new HashSet<int> { id }, new HashSet<int> { id });
            return subjects.Count == 0 ? null : SubjectView.ToElement(_analyzer, subjects[0]);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
