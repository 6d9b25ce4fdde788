using System.Diagnostics;

namespace Safeguard.Exchanges;

/// <summary>What one fetch did.</summary>
public sealed record FetchResult(string Exchange, int Pages, long Added, long Updated, long Withdrawn, long Rejected, string? Error, TimeSpan Elapsed)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs one fetch of one exchange: asks its client for the pages after the stored checkpoint and
/// applies each with its checkpoint in one transaction (<see cref="IExchangeStore.ApplyPageAsync"/>),
/// recording the start, the end, errors and the next fetch time (with backoff) on the status.
/// </summary>
public sealed class ExchangeFetcher(IExchangeStore store, ExchangeContext context)
{
    /// <summary>The longest wait after the first failure (an exchange followed more often waits its own interval); it doubles with each failure in a row up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);

    /// <summary>The longest Retry-After honoured; an upstream asking for more is asked again then.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    /// <summary>Setting every exchange takes: the least time between two page requests, in milliseconds.</summary>
    public const string MinPageIntervalSetting = "min_page_interval_ms";

    /// <summary>
    /// Setting every exchange takes: in an initial load (the first fetch into an empty bank), how many
    /// entries are applied page by page (matchable at once) before the rest is gathered and added
    /// in one pass when upstream has no more (<see cref="IExchangeStore.FinishInitialLoadAsync"/>).
    /// </summary>
    public const string BulkAfterSetting = "bulk_after";
    public const int DefaultBulkAfter = 100_000;

    public IExchangeStore Store { get; } = store;
    public ExchangeContext Context { get; } = context;

    /// <summary>Finds an exchange's type by name (the built-in registry; tests give their own).</summary>
    public Func<string, ExchangeType> ResolveType { get; init; } = ExchangeTypes.Get;

    /// <summary>Fetches now. Errors end up in the result and on the status, not thrown (unknown exchange excepted).</summary>
    public async Task<FetchResult> FetchAsync(string name, IProgress<FetchResult>? progress = null, CancellationToken ct = default)
    {
        var exchange = await Store.GetAsync(name, ct) ?? throw new ExchangeException($"no exchange named '{name}'");
        var status = await Store.GetStatusAsync(name, ct);
        var clock = Context.Clock;
        var watch = Stopwatch.StartNew();
        await Store.RecordFetchStartAsync(name, clock.GetUtcNow(), ct);

        var run = new Run(name);
        bool more = false;
        try
        {
            more = await FetchPagesAsync(exchange, status?.Checkpoint, run, progress, watch, ct);
            // Caught up: an initial load's gathered entries go into the bank now.
            if (!more && await Store.FinishInitialLoadAsync(name, ct) is { } merged)
            {
                run.Add(merged, 0, countsPage: false);
                progress?.Report(run.Result(watch.Elapsed));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // the last applied page's checkpoint stands; the next fetch resumes from it
        }
        catch (Exception ex)
        {
            run.Error = ex is ExchangeException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            run.RetryAfter = (ex as ExchangeException)?.RetryAfter;
        }

        var end = clock.GetUtcNow();
        var next = run.Error is null
            ? end + (more ? TimeSpan.Zero : exchange.Interval)
            : end + Backoff((status?.ConsecutiveFailures ?? 0) + 1, run.RetryAfter, exchange.Interval);
        await Store.RecordFetchEndAsync(name, end, run.Error, next, CancellationToken.None);
        var result = run.Result(watch.Elapsed);
        progress?.Report(result);
        return result;
    }

    /// <summary>Applies pages until the client has no more or the page limit is reached (then true: more to fetch).</summary>
    private async Task<bool> FetchPagesAsync(ExchangeInfo exchange, string? checkpoint, Run run, IProgress<FetchResult>? progress, Stopwatch watch, CancellationToken ct)
    {
        var type = ResolveType(exchange.Type);
        if (type.Validate(exchange.Settings) is { } problem) throw new ExchangeException($"exchange '{exchange.Name}': {problem}");
        var minInterval = TimeSpan.FromMilliseconds(Math.Max(0, exchange.Settings.GetInt(MinPageIntervalSetting, 0)));
        await using var client = type.Create(exchange.Settings, Context);
        await using var pages = client.FetchAsync(checkpoint, ct).GetAsyncEnumerator(ct);
        // The next page's request, when it was started while the one before was being stored.
        Task<bool>? ahead = null;
        try
        {
            long lastRequest = 0;
            while (true)
            {
                if (run.Pages >= Context.Limits.MaxPagesPerFetch) return true;
                Task<bool> next;
                if (ahead is { } started) { next = started; ahead = null; }
                else
                {
                    if (minInterval > TimeSpan.Zero && run.Pages > 0)
                    {
                        var wait = minInterval - Context.Clock.GetElapsedTime(lastRequest);
                        if (wait > TimeSpan.Zero) await Task.Delay(wait, Context.Clock, ct);
                    }
                    lastRequest = Context.Clock.GetTimestamp();
                    next = pages.MoveNextAsync().AsTask();
                }
                if (!await next) return false;
                var page = pages.Current ?? throw new ExchangeException($"exchange '{exchange.Name}': the client gave an empty page");
                if (string.IsNullOrEmpty(page.Checkpoint))
                    throw new ExchangeException($"exchange '{exchange.Name}': a page came without a checkpoint");
                if (!page.Unchanged && page.Checkpoint == checkpoint)
                    throw new ExchangeException($"exchange '{exchange.Name}': upstream sent a page that does not move the checkpoint; stopped so it is not read forever");
                // Without a rate limit, a page held in memory lets the next request run while it is stored.
                if (page.Buffered && !page.Unchanged && minInterval == TimeSpan.Zero && run.Pages + 1 < Context.Limits.MaxPagesPerFetch)
                    ahead = pages.MoveNextAsync().AsTask();
                var applied = await Store.ApplyPageAsync(exchange.Name, page, checkpoint, ct);
                checkpoint = page.Checkpoint;
                run.Add(applied, page.Rejected);
                progress?.Report(run.Result(watch.Elapsed));
            }
        }
        finally
        {
            // An enumerator is not disposed while a request of its own is in flight; that page is dropped.
            if (ahead is { } pending)
            {
                try { await pending; }
                catch (Exception) { } // its error belongs to a page never applied
            }
        }
    }

    /// <summary>
    /// The wait before the next try after <paramref name="failures"/> failures in a row (1 min, 2, 4, ... up to 6 h;
    /// an exchange followed every few seconds starts from its own interval, so a publisher's restart costs seconds,
    /// not a minute), or what upstream asked for.
    /// </summary>
    public static TimeSpan Backoff(int failures, TimeSpan? retryAfter = null, TimeSpan? interval = null)
    {
        var first = interval is { } every && every < FirstBackoff ? (every < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : every) : FirstBackoff;
        var wait = first * Math.Pow(2, Math.Clamp(failures - 1, 0, 20));
        if (wait > MaxBackoff) wait = MaxBackoff;
        if (retryAfter is { } asked && asked > wait) wait = asked < MaxRetryAfter ? asked : MaxRetryAfter;
        return wait;
    }

    private sealed class Run(string name)
    {
        public int Pages;
        public long Added, Updated, Withdrawn, Rejected;
        public string? Error;
        public TimeSpan? RetryAfter;

        /// <param name="clientRejected">Items the client itself refused (a page's <see cref="ExchangePage.Rejected"/>), beside those the store refused.</param>
        public void Add(PageResult r, long clientRejected, bool countsPage = true)
        {
            if (countsPage) Pages++;
            Added += r.Added; Updated += r.Updated; Withdrawn += r.Withdrawn; Rejected += r.Rejected + clientRejected;
        }

        public FetchResult Result(TimeSpan elapsed) => new(name, Pages, Added, Updated, Withdrawn, Rejected, Error, elapsed);
    }
}
