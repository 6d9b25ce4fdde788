using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Safeguard.Exchanges;
using Safeguard.Server.Index;

namespace Safeguard.Server.Exchanges;

/// <summary>
/// Runs fetches in this process: one at a time per exchange (a second request for the same
/// exchange joins the running one), then brings the live index up to date. Lookups never wait
/// for a fetch: pages are applied in their own transactions and the index follows the change feed.
/// </summary>
public sealed partial class ExchangeRunner(IExchangeStore store, ExchangeContext context, LiveIndex index, ILogger<ExchangeRunner> log)
{
    private readonly ConcurrentDictionary<string, Task<FetchResult>> _running = new(StringComparer.Ordinal);
    private long _started;

    public IExchangeStore Store => store;
    public ExchangeContext Context => context;

    /// <summary>Fetches this process started since it began (the scheduler tests count them).</summary>
    public long FetchesStarted => Interlocked.Read(ref _started);

    public bool IsRunning(string name) => _running.ContainsKey(name);

    /// <summary>Fetches now, or joins the fetch of this exchange already running here.</summary>
    public Task<FetchResult> FetchAsync(string name, CancellationToken ct)
    {
        lock (_running)
        {
            if (_running.TryGetValue(name, out var running)) return running;
            var task = Task.Run(() => RunAsync(name, ct), CancellationToken.None);
            _running[name] = task;
            return task;
        }
    }

    private async Task<FetchResult> RunAsync(string name, CancellationToken ct)
    {
        try
        {
            Interlocked.Increment(ref _started);
            var info = await store.GetAsync(name, ct);
            LogStarted(log, name);
            var result = await new ExchangeFetcher(store, context).FetchAsync(name, null, ct);
            if (result.Added + result.Updated + result.Withdrawn > 0 || result.Pages > 0)
            {
                try { await index.RefreshAsync(ct); }
                catch (Exception ex) when (ex is not OperationCanceledException) { LogIndexFailed(log, name, ex.Message); }
            }
            var view = ExchangeViews.ResultOf(result, info);
            if (result.Succeeded) LogFinished(log, name, result.Pages, result.Added, result.Updated, result.Withdrawn, result.Rejected, view.Seconds);
            else LogFailed(log, name, view.Error ?? "unknown error");
            return result;
        }
        finally
        {
            lock (_running) _running.TryRemove(name, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "exchange {Name}: fetch started")]
    private static partial void LogStarted(ILogger log, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "exchange {Name}: fetched {Pages} pages, added {Added}, updated {Updated}, withdrawn {Withdrawn}, rejected {Rejected} in {Seconds} s")]
    private static partial void LogFinished(ILogger log, string name, int pages, long added, long updated, long withdrawn, long rejected, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "exchange {Name}: fetch failed: {Error}")]
    private static partial void LogFailed(ILogger log, string name, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "exchange {Name}: fetched, but the index did not refresh: {Error}")]
    private static partial void LogIndexFailed(ILogger log, string name, string error);
}
