using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Crawl;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Media;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Media;
using Safeguard.Exchanges.Http;
using Safeguard.Hashing.Files;
using Safeguard.Server.Index;

namespace Safeguard.Server.Crawling;

/// <summary>
/// The service's crawler: takes crawl requests one at a time, oldest first, and runs the crawl's
/// <see cref="Crawler"/> over the frontier in the service's database with the request's scope, the
/// service's address policy (<c>--fetch-allow</c>) and its live bank index and match policy. Suspected
/// media goes to the review queue (<see cref="CrawlReviews"/>). A request whose process died is taken
/// again (at once on SQLite; after its lease on PostgreSQL) and the frontier resumes it.
/// </summary>
public sealed class CrawlWorker(ServerOptions options, CrawlRequests requests, CrawlFrontier frontier, LiveIndex index, LookupService lookup,
    CrawlReviews reviews, ILogger<CrawlWorker> log) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;

    /// <summary>The request being crawled now (null when idle).</summary>
    public long? Current { get; private set; }

    /// <summary>The last error that stopped a request, or that the worker met between requests.</summary>
    public (string? Message, DateTimeOffset? At) LastError => (_lastError, _lastErrorAt);

    /// <summary>A request was queued: look now rather than at the next poll.</summary>
    public void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // already woken
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stop = stoppingToken;
        try
        {
            if (!Storage.ConnectionStrings.IsPostgres(options.ResolveDb())) await requests.RequeueRunningAsync();
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException)
        {
            Failed(null, ex);
        }
        while (!stop.IsCancellationRequested)
        {
            QueuedCrawl? next = null;
            try
            {
                next = await requests.TakeAsync(Lease, stop);
                if (next is not null) await RunAsync(next, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // the request stays running; its lease runs out and it is taken again
            }
            catch (Exception ex)
            {
                Failed(next, ex);
                if (next is not null) await FinishQuietlyAsync(next.Id, ex.Message);
            }
            if (next is not null) continue;
            try { await _wake.WaitAsync(Idle, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task RunAsync(QueuedCrawl request, CancellationToken stop)
    {
        if (index.Current is not { } bankIndex) throw new InvalidOperationException("the bank index is not loaded yet");
        Current = request.Id;
        if (log.IsEnabled(LogLevel.Information)) log.LogInformation("crawl request {Id}: {Count} URL(s)", request.Id, request.Urls.Count);
        var store = await frontier.GetAsync(stop);
        await store.RequeueAsync(request.Urls, stop);
        using var fetcher = new CrawlFetcher(new FetchOptions
        {
            Addresses = new AddressPolicy(options.FetchAllowList), MaxBodyBytes = options.MaxMediaBytes, Timeout = options.CrawlTimeout,
        });
        using var media = new MediaMatching(new Matcher(bankIndex, lookup.Policy()), new FileHashOptions(),
            options.Tmk ? MediaHasher.MatchVideo : MediaHasher.FastVideo, options.CrawlSuspectThreshold);
        var crawler = new Crawler(store, fetcher, media, new CrawlOptions
        {
            Scope = CrawlRequestCheck.ToCrawlScope(request.Scope), Concurrency = options.CrawlConcurrency, PerHostConcurrency = options.CrawlPerHostConcurrency,
            PerHostDelay = options.CrawlDelay, RetryBase = options.CrawlRetryBase, Lease = Lease, CapsCountEarlierPages = false,
            ReleaseClaimsOnStart = !store.IsShared,
        })
        {
            OnSuspected = (m, _) => reviews.QueueAsync(m, request),
        };
        using var renew = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var lease = RenewAsync(request.Id, renew.Token);
        try
        {
            await crawler.RunAsync(request.Urls, stop);
        }
        finally
        {
            await renew.CancelAsync();
            await lease;
            Current = null;
        }
        await requests.FinishAsync(request.Id, null);
        if (log.IsEnabled(LogLevel.Information))
            log.LogInformation("crawl request {Id} done: {Pages} pages, {Media} media, {Sightings} sightings", request.Id, crawler.Stats.PagesFetched, crawler.Stats.MediaFetched, crawler.Stats.Sightings);
    }

    private async Task RenewAsync(long id, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 4, ct);
                await requests.RenewAsync(id, Lease);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException)
        {
            log.LogWarning("crawl request {Id}: could not renew its lease: {Message}", id, ex.Message);
        }
    }

    private void Failed(QueuedCrawl? request, Exception ex)
    {
        _lastError = request is null ? ex.Message : $"request {request.Id}: {ex.Message}";
        _lastErrorAt = DateTimeOffset.UtcNow;
        log.LogError("crawl: {Error}", _lastError);
    }

    private async Task FinishQuietlyAsync(long id, string error)
    {
        try { await requests.FinishAsync(id, error); }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException) { log.LogError("crawl request {Id}: {Message}", id, ex.Message); }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
