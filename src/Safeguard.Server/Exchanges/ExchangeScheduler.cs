using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Exchanges;

namespace Safeguard.Server.Exchanges;

/// <summary>
/// Fetches exchanges that are due (enabled, next fetch passed) and sends the feedback outbox, in
/// the one process that holds the <see cref="FetchLeadership"/>. Every poll it checks the lock
/// (taking it when free, e.g. after the leader died), then works through what is due one exchange
/// at a time, so a slow upstream delays only its own fetch's successors, never lookups.
/// </summary>
public sealed partial class ExchangeScheduler(
    ExchangeRunner runner, ExchangeFeedbackSender feedback, FetchLeadership leadership, ServerOptions options, ILogger<ExchangeScheduler> log)
    : BackgroundService
{
    private bool _leading;

    /// <summary>Whether this process holds the lock (as of the last poll).</summary>
    public bool Leading => Volatile.Read(ref _leading);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RoundAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogRoundFailed(log, ex.Message);
                }
                await Task.Delay(options.ExchangePoll, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await leadership.DisposeAsync();
        }
    }

    /// <summary>One poll: hold or take the lock, fetch what is due, send due feedback.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        bool leading = await leadership.TryHoldAsync(ct);
        if (leading != _leading)
        {
            Volatile.Write(ref _leading, leading);
            if (leading) LogLeading(log);
        }
        if (!leading) return;
        var now = runner.Context.Clock.GetUtcNow();
        var statuses = (await runner.Store.ListStatusAsync(ct)).ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var x in await runner.Store.ListAsync(ct))
        {
            if (!x.Enabled) continue;
            var next = statuses.TryGetValue(x.Name, out var s) ? s.NextFetch : null;
            if (next is { } due && due > now) continue;
            try
            {
                await runner.FetchAsync(x.Name, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogFetchFailed(log, x.Name, ExchangeRequests.Scrub(ex.Message, ExchangeTypes.Find(x.Type), x.Settings) ?? "");
            }
        }
        await feedback.SendDueAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "this process now fetches exchanges on schedule (it holds the fetch lock)")]
    private static partial void LogLeading(ILogger log);

    [LoggerMessage(Level = LogLevel.Warning, Message = "exchange {Name}: fetch could not run: {Error}")]
    private static partial void LogFetchFailed(ILogger log, string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "exchange scheduling round failed: {Error}")]
    private static partial void LogRoundFailed(ILogger log, string error);
}
