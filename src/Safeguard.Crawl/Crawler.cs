using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Safeguard.Crawl.Extraction;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Media;
using Safeguard.Crawl.Robots;
using Safeguard.Hashing.Files;

namespace Safeguard.Crawl;

/// <summary>
/// One crawler over a frontier: claims due URLs, fetches them politely, follows in-scope links,
/// hashes and matches every image and video through the engine, records sightings and problems.
/// Several crawlers (processes) may share one PostgreSQL frontier.
/// </summary>
public sealed class Crawler
{
    private readonly IFrontier _frontier;
    private readonly CrawlFetcher _fetcher;
    private readonly MediaMatching _media;
    private readonly CrawlOptions _options;
    private readonly HostPoliteness _politeness;
    private readonly RobotsCache _robots;
    private readonly HashSet<string> _seedHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _pagesPerHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _capsLock = new();
    private long _pagesQueued;
    private int _inFlight;

    public Crawler(IFrontier frontier, CrawlFetcher fetcher, MediaMatching media, CrawlOptions options)
    {
        _frontier = frontier;
        _fetcher = fetcher;
        _media = media;
        _options = options;
        _politeness = new HostPoliteness(options.PerHostConcurrency, options.PerHostDelay);
        _robots = new RobotsCache(fetcher);
    }

    public CrawlStats Stats { get; } = new();

    /// <summary>Called about every second with the frontier's counts while crawling.</summary>
    public Action<CrawlStats, FrontierCounts>? OnProgress { get; init; }

    /// <summary>
    /// Called once per newly hashed content that has a suspected match, while its bytes are still in
    /// memory (the service queues it for a reviewer). A failure is recorded as a <c>review_error</c> problem.
    /// </summary>
    public Func<SuspectedMedia, CancellationToken, Task>? OnSuspected { get; init; }

    /// <summary>Adds the seeds (refused ones are recorded as problems) and crawls until the frontier has nothing due, claimed or waiting.</summary>
    public async Task RunAsync(IReadOnlyList<string> seeds, CancellationToken ct)
    {
        if (_options.ReleaseClaimsOnStart) await _frontier.ReleaseAllClaimsAsync(ct);
        var entries = new List<FrontierEntry>();
        foreach (var seed in seeds)
        {
            var url = CrawlUrl.Normalize(seed, out var why);
            if (url is null)
            {
                await ProblemAsync(seed, null, "refused_url", why!, ct);
                continue;
            }
            if (CrawlUrl.IsInternationalHost(url))
                await ProblemAsync(url.AbsoluteUri, null, "idn_host", $"international host name, fetched as {url.IdnHost}", ct);
            _seedHosts.Add(CrawlUrl.HostKey(url));
            entries.Add(new FrontierEntry(url, UrlKind.Page, 0, null));
        }
        if (_options.CapsCountEarlierPages)
            foreach (var (host, n) in await _frontier.PagesPerHostAsync(ct))
            {
                _pagesPerHost[host] = n;
                _pagesQueued += n;
            }
        foreach (var e in entries)
        {
            _pagesPerHost[CrawlUrl.HostKey(e.Url)] = _pagesPerHost.GetValueOrDefault(CrawlUrl.HostKey(e.Url)) + 1;
            _pagesQueued++;
        }
        await _frontier.AddAsync(entries, ct);
        await LoopAsync(ct);
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        int concurrency = Math.Max(1, _options.Concurrency);
        var queue = Channel.CreateUnbounded<ClaimedUrl>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => WorkAsync(queue.Reader, ct), ct)).ToArray();
        var lastProgress = DateTime.UtcNow;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int room = concurrency * 2 - Volatile.Read(ref _inFlight);
                IReadOnlyList<ClaimedUrl> claimed = room > 0 ? await _frontier.ClaimAsync(room, _options.Lease, ct) : [];
                foreach (var c in claimed)
                {
                    Interlocked.Increment(ref _inFlight);
                    queue.Writer.TryWrite(c);
                }
                if (OnProgress is { } progress && DateTime.UtcNow - lastProgress > TimeSpan.FromSeconds(1))
                {
                    lastProgress = DateTime.UtcNow;
                    progress(Stats, await _frontier.CountsAsync(ct));
                }
                if (claimed.Count > 0) continue;
                if (Volatile.Read(ref _inFlight) == 0 && (await _frontier.CountsAsync(ct)).Finished) break;
                await Task.Delay(Volatile.Read(ref _inFlight) == 0 ? 100 : 20, ct);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            try { await Task.WhenAll(workers); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        }
        ct.ThrowIfCancellationRequested();
        OnProgress?.Invoke(Stats, await _frontier.CountsAsync(ct));
    }

    private async Task WorkAsync(ChannelReader<ClaimedUrl> reader, CancellationToken ct)
    {
        await foreach (var item in reader.ReadAllAsync(ct))
        {
            try
            {
                await ProcessAsync(item, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                // One URL's failure is recorded and the crawl goes on.
                await ProblemAsync(item.Url, item.PageUrl, "internal_error", $"{ex.GetType().Name}: {ex.Message}", ct);
                await _frontier.FailAsync(item.Id, null, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private async Task ProcessAsync(ClaimedUrl item, CancellationToken ct)
    {
        var url = new Uri(item.Url);
        TimeSpan? crawlDelay = null;
        if (!_options.Scope.IgnoreRobots)
        {
            var (rules, robotsProblem) = await _robots.ForAsync(url, ct);
            if (!rules.Allows(url.PathAndQuery))
            {
                await ProblemAsync(item.Url, item.PageUrl, "robots", robotsProblem ?? "disallowed by robots.txt (use --ignore-robots for reported content)", ct);
                await _frontier.SkipAsync(item.Id, ct);
                return;
            }
            crawlDelay = _options.PerHostDelay > TimeSpan.Zero ? rules.CrawlDelay : null;
        }
        FetchResult result;
        using (await _politeness.EnterAsync(CrawlUrl.HostKey(url), crawlDelay, ct))
            result = await _fetcher.FetchAsync(url, ct);
        Stats.Read(result.Body.Length);
        if (result.Problem is { } problem)
        {
            if (problem.Transient && item.Attempts <= _options.MaxRetries)
            {
                var wait = problem.RetryAfter ?? TimeSpan.FromTicks(_options.RetryBase.Ticks << Math.Min(item.Attempts - 1, 20));
                if (wait > _options.MaxRetryWait) wait = _options.MaxRetryWait;
                Stats.Retry();
                await _frontier.RetryAsync(item.Id, DateTimeOffset.UtcNow + wait, ct);
                return;
            }
            var message = item.Attempts > 1 ? $"{problem.Message} (after {item.Attempts} attempts)" : problem.Message;
            await ProblemAsync(item.Url, item.PageUrl, problem.Kind, message, ct);
            await _frontier.FailAsync(item.Id, result.Status == 0 ? null : result.Status, ct);
            return;
        }
        string? sha = null;
        switch (result.Kind)
        {
            case BodyKind.Html when item.Kind == UrlKind.Page:
                Stats.Page();
                await FollowLinksAsync(item, result, ct);
                break;
            case BodyKind.Image or BodyKind.Video:
                Stats.Media();
                sha = await MediaAsync(item, result, ct);
                break;
            default:
                if (item.Kind == UrlKind.Page) Stats.Page(); else Stats.Media();
                break;
        }
        await _frontier.CompleteAsync(item.Id, result.Status, sha, ct);
    }

    private async Task FollowLinksAsync(ClaimedUrl item, FetchResult result, CancellationToken ct)
    {
        PageLinks links;
        try
        {
            links = LinkExtractor.Extract(Encoding.UTF8.GetString(result.Body), result.FinalUrl);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ProblemAsync(item.Url, item.PageUrl, "bad_html", $"HTML could not be read: {ex.Message}", ct);
            return;
        }
        var add = new List<FrontierEntry>();
        var page = result.FinalUrl.AbsoluteUri;
        int depth = item.Depth + 1;
        int refusedUrls = 0;
        foreach (var (raw, why) in links.Refused)
            if (refusedUrls++ < 20) await ProblemAsync(Shorten(raw), page, "refused_url", why, ct);
        foreach (var raw in links.Media)
        {
            var url = CrawlUrl.Normalize(raw, out var why);
            if (url is null) { if (refusedUrls++ < 20) await ProblemAsync(Shorten(raw.OriginalString), page, "refused_url", why!, ct); continue; }
            if (_options.Scope.RefuseAny(url) is null) add.Add(new FrontierEntry(url, UrlKind.Media, depth, page));
        }
        foreach (var raw in links.Pages)
        {
            var url = CrawlUrl.Normalize(raw, out var why);
            if (url is null) { if (refusedUrls++ < 20) await ProblemAsync(Shorten(raw.OriginalString), page, "refused_url", why!, ct); continue; }
            if (_options.Scope.RefusePage(url, depth, _seedHosts) is not null) continue;
            if (!TakePageSlot(url)) continue;
            add.Add(new FrontierEntry(url, UrlKind.Page, depth, page));
        }
        await _frontier.AddAsync(add, ct);
    }

    /// <summary>
    /// Counts a page against --max-pages and the per-host cap. A link already in the frontier also
    /// takes a slot here, so the caps err on the side of fewer pages (a farm is cut off sooner).
    /// </summary>
    private bool TakePageSlot(Uri url)
    {
        var host = CrawlUrl.HostKey(url);
        lock (_capsLock)
        {
            long n = _pagesPerHost.GetValueOrDefault(host);
            if (_pagesQueued >= _options.Scope.MaxPages || n >= _options.Scope.MaxPagesPerHost) return false;
            _pagesPerHost[host] = n + 1;
            _pagesQueued++;
            return true;
        }
    }

    private async Task<string> MediaAsync(ClaimedUrl item, FetchResult result, CancellationToken ct)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(result.Body));
        for (int attempt = 0; ; attempt++)
        {
            if (await _frontier.ClaimContentAsync(sha, result.FinalUrl.AbsoluteUri, result.Body.Length, ct))
            {
                MediaOutcome outcome;
                try
                {
                    outcome = await _media.HashAndMatchAsync(result.Body, result.FinalUrl.AbsoluteUri, ct);
                }
                catch
                {
                    await _frontier.DropUnfinishedContentAsync(sha, CancellationToken.None);
                    throw;
                }
                Stats.Hashed();
                var h = outcome.Hashes;
                if (h.Error is { } error) await ProblemAsync(result.FinalUrl.AbsoluteUri, item.PageUrl, "hash_error", error, ct);
                var content = new ContentRecord(sha, result.FinalUrl.AbsoluteUri, result.Body.Length, result.Kind == BodyKind.Video ? "video" : "image",
                    FileHashResult.Hex(h.Md5), h.Pdq?.Hash.ToString(), h.Pdq?.Quality, h.Error);
                var sightings = outcome.Matches.Select(m => SightingOf(item, result, content, m.Match, m.Suspected)).ToList();
                await _frontier.FinishContentAsync(content, sightings, ct);
                Stats.Sighted(sightings.Count);
                if (sightings.Count > 0) await PreserveAsync(sha, result, ct);
                if (OnSuspected is { } hook && sightings.Any(s => s.MatchKind == SightingKinds.Suspected))
                    await SuspectedAsync(hook, new SuspectedMedia(result.FinalUrl.AbsoluteUri, item.PageUrl, result.ContentType, result.Body, outcome, sightings), ct);
                return sha;
            }
            // Another crawler (or worker) has these bytes: wait for its hashes, then record this URL's sightings from them.
            if (await _frontier.FindContentAsync(sha, ct) is { } known)
            {
                Stats.Duplicate();
                var earlier = await _frontier.SightingsAsync(sha, ct);
                var copies = earlier
                    .DistinctBy(s => (s.Bank, s.EntryId, s.SignalType, s.MatchKind))
                    .Select(s => SightingOf(item, result, known, s)).ToList();
                await _frontier.AddSightingsAsync(copies, ct);
                Stats.Sighted(copies.Count);
                return sha;
            }
            if (attempt > 600) await _frontier.DropUnfinishedContentAsync(sha, ct); // its crawler died mid-hash: take it over
            await Task.Delay(100, ct);
        }
    }

    private static Sighting SightingOf(ClaimedUrl item, FetchResult result, ContentRecord content, Engine.Matching.Match m, bool suspected) => new()
    {
        Url = result.FinalUrl.AbsoluteUri, PageUrl = item.PageUrl, SeenAt = DateTimeOffset.UtcNow, HttpStatus = result.Status,
        ServerIp = result.ServerIp?.ToString(), Host = result.FinalUrl.IdnHost, Headers = JsonSerializer.Serialize(result.Headers),
        ContentType = result.ContentType, Sha256 = content.Sha256, Md5 = content.Md5, Pdq = content.Pdq, PdqQuality = content.PdqQuality,
        MatchKind = suspected ? SightingKinds.Suspected : SightingKinds.Bank, Bank = m.Entry.Bank, EntryId = m.Entry.Id, ContentId = m.Entry.ContentId,
        SignalType = m.Signal.Name, Distance = m.Distance, ReviewState = suspected ? SightingKinds.Pending : SightingKinds.Confirmed,
    };

    private static Sighting SightingOf(ClaimedUrl item, FetchResult result, ContentRecord content, Sighting earlier) => earlier with
    {
        Id = 0, Url = result.FinalUrl.AbsoluteUri, PageUrl = item.PageUrl, SeenAt = DateTimeOffset.UtcNow, HttpStatus = result.Status,
        ServerIp = result.ServerIp?.ToString(), Host = result.FinalUrl.IdnHost, Headers = JsonSerializer.Serialize(result.Headers),
        ContentType = result.ContentType, Md5 = content.Md5, Pdq = content.Pdq, PdqQuality = content.PdqQuality,
        // A reviewer's decision was about the content, so it carries over; a pending one stays pending.
    };

    private async Task SuspectedAsync(Func<SuspectedMedia, CancellationToken, Task> hook, SuspectedMedia media, CancellationToken ct)
    {
        try
        {
            await hook(media, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await ProblemAsync(media.Url, media.PageUrl, "review_error", $"suspected media could not be queued for review: {ex.Message}", ct);
        }
    }

    private async Task PreserveAsync(string sha, FetchResult result, CancellationToken ct)
    {
        if (_options.PreserveEvidenceDir is not { } dir) return;
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, sha);
        if (File.Exists(path)) return;
        await File.WriteAllBytesAsync(path + ".part", result.Body, ct);
        File.Move(path + ".part", path, overwrite: true);
    }

    private async Task ProblemAsync(string url, string? page, string kind, string message, CancellationToken ct)
    {
        Stats.Problem();
        await _frontier.RecordProblemAsync(new ProblemRecord(url, page, kind, message, DateTimeOffset.UtcNow), ct);
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
