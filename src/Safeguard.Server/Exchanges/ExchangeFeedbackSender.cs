using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Safeguard.Exchanges;

namespace Safeguard.Server.Exchanges;

/// <summary>
/// Sends the feedback outbox upstream through each exchange's client. A failure stays on the row
/// (its attempts and last error) and the row is tried again after a backoff that doubles from
/// one minute to six hours; after <see cref="MaxAttempts"/> failures it waits for a person.
/// </summary>
public sealed partial class ExchangeFeedbackSender(IExchangeStore store, ExchangeContext context, ILogger<ExchangeFeedbackSender> log)
{
    public const int MaxAttempts = 12;
    public const int BatchSize = 200;

    // When each failed row may be tried again; in memory, so a restart retries sooner, never later.
    private readonly ConcurrentDictionary<long, DateTimeOffset> _notBefore = new();

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMinutes(Math.Min(360, Math.Pow(2, Math.Clamp(attempts - 1, 0, 16))));

    /// <summary>Sends what is due; returns how many rows were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var pending = await store.PendingFeedbackAsync(BatchSize, ct);
        if (pending.Count == 0) return 0;
        var now = context.Clock.GetUtcNow();
        int sent = 0;
        foreach (var group in pending.GroupBy(p => p.Exchange, StringComparer.Ordinal))
        {
            var info = await store.GetAsync(group.Key, ct);
            foreach (var row in group)
            {
                if (row.Attempts >= MaxAttempts) continue;
                if (_notBefore.TryGetValue(row.Id, out var when) && when > now) continue;
                string? error = await SendOneAsync(info, row, ct);
                await store.CompleteFeedbackAsync(row.Id, error, ct);
                if (error is null)
                {
                    sent++;
                    _notBefore.TryRemove(row.Id, out _);
                }
                else
                {
                    _notBefore[row.Id] = now + Backoff(row.Attempts + 1);
                    LogFailed(log, row.Id, row.Exchange, row.Attempts + 1, error);
                }
            }
        }
        return sent;
    }

    private async Task<string?> SendOneAsync(ExchangeInfo? info, PendingFeedback row, CancellationToken ct)
    {
        if (info is null) return $"exchange '{row.Exchange}' no longer exists";
        if (!info.FeedbackEnabled) return $"feedback is turned off for exchange '{info.Name}'";
        var type = ExchangeTypes.Find(info.Type);
        if (type is null) return $"unknown exchange type '{info.Type}'";
        if (!type.SupportsFeedback) return $"exchange type '{type.Name}' takes no feedback";
        try
        {
            await using var client = type.Create(info.Settings, context);
            await client.SendFeedbackAsync(row.Feedback, ct);
            return null;
        }
        catch (Exception ex) when (ex is ExchangeException or HttpRequestException or IOException or TimeoutException
                                       || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return ExchangeRequests.Scrub(ex.Message, type, info.Settings);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "feedback {Id} to exchange {Exchange} failed (attempt {Attempt}): {Error}")]
    private static partial void LogFailed(ILogger log, long id, string exchange, int attempt, string error);
}
