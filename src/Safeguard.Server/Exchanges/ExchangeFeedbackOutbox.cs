using Safeguard.Banks.Storage;
using Safeguard.Exchanges;
using Safeguard.Server.Audit;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.Exchanges;

/// <summary>
/// Turns a reviewer's decision into feedback for the exchanges its matches came from: for each
/// matched entry on a bank bound to an exchange that opted in, a row in the outbox (sent later by
/// <see cref="ExchangeFeedbackSender"/>), audited. Exchanges without feedback get nothing; an
/// escalation is no verdict and sends nothing.
/// </summary>
public sealed class ExchangeFeedbackOutbox(IExchangeStore exchanges, IBankStore banks, AuditLog audit)
{
    /// <summary>Enqueues the verdict of <paramref name="decided"/>; returns how many rows were added.</summary>
    public async Task<int> OnDecidedAsync(ReviewItem decided, string actor, CancellationToken ct = default)
    {
        FeedbackVerdict? verdict = decided.Status switch
        {
            ReviewStatus.Confirmed => FeedbackVerdict.Confirmed,
            ReviewStatus.FalsePositive => FeedbackVerdict.FalsePositive,
            _ => null,
        };
        if (verdict is null || decided.Matches.Count == 0) return 0;
        int added = 0;
        var seen = new HashSet<(string, string, string)>();
        foreach (var m in decided.Matches)
        {
            if (!seen.Add((m.Bank, m.SignalType, m.EntryValue))) continue;
            var exchange = await exchanges.FindByBankAsync(m.Bank, ct);
            if (exchange is not { FeedbackEnabled: true }) continue;
            if (!SignalTypes.TryGet(m.SignalType, out var type)) continue;
            var found = await banks.FindAsync(type, m.EntryValue, m.Bank, ct);
            var entry = found.Count > 0 ? found[0] : null;
            var metadata = entry?.Metadata ?? new Dictionary<string, string>();
            var feedback = new ExchangeFeedback(type.Name, m.EntryValue, verdict.Value)
            {
                UpstreamId = metadata.TryGetValue("upstream_id", out var id) ? id : null,
                Metadata = metadata,
            };
            await exchanges.EnqueueFeedbackAsync(exchange.Name, feedback, ct);
            await audit.AppendAsync(actor, "exchange.feedback.enqueue", $"exchange:{exchange.Name}",
                $"item={decided.Id}; verdict={(verdict == FeedbackVerdict.Confirmed ? "confirmed" : "false_positive")}; signal_type={type.Name}; upstream_id={feedback.UpstreamId}", ct);
            added++;
        }
        return added;
    }
}
