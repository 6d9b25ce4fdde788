using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Scope;
using Safeguard.Exchanges.Http;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Crawling;

/// <summary>The body of <c>POST /v1/crawl/urls</c>.</summary>
public sealed record CrawlUrlsRequest
{
    /// <summary>Pages (or media) to crawl, http or https.</summary>
    public IReadOnlyList<string>? Urls { get; init; }
    public CrawlScopeRequest? Scope { get; init; }
    /// <summary>Kept with the request and shown to the reviewer of anything suspected it finds (e.g. the report's reference).</summary>
    public string? Note { get; init; }
}

/// <summary>How far one request's crawl goes; each value is capped by the service's own limits.</summary>
public sealed record CrawlScopeRequest
{
    /// <summary>Follow links only on the hosts of the request's URLs (default true); false: any host, still bounded by depth and pages.</summary>
    public bool? SameHost { get; init; }
    /// <summary>Links followed from a URL (0: the URL and the media it shows); default 1.</summary>
    public int? Depth { get; init; }
    /// <summary>Regular expressions: follow only pages whose URL matches one.</summary>
    public IReadOnlyList<string>? Patterns { get; init; }
    /// <summary>Regular expressions: never fetch a URL that matches one.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }
    /// <summary>Do not read robots.txt (hotlines crawl reported content regardless).</summary>
    public bool? IgnoreRobots { get; init; }
    /// <summary>Pages fetched in all for this request (capped by the service's limit).</summary>
    public long? MaxPages { get; init; }
}

/// <summary>The request's answer: its id and the URLs accepted, normalised.</summary>
public sealed record CrawlUrlsAccepted(long RequestId, IReadOnlyList<string> Urls, CrawlScopeRequest Scope);

/// <summary>A request after its checks: normalised URLs and a complete scope.</summary>
public sealed record CheckedCrawlRequest(IReadOnlyList<string> Urls, CrawlScopeRequest Scope, string? Note);

/// <summary>
/// The checks of a crawl request, before anything is queued: every problem is a 400 naming the
/// URL (by position) or field. Private, loopback and link-local targets are refused here unless
/// <c>--fetch-allow</c> allows them (and again on every connection the crawler opens).
/// </summary>
public static class CrawlRequestCheck
{
    public const int MaxPatterns = 20, MaxPatternLength = 500, MaxNoteLength = 2000;
    public const long MaxBodyBytes = 2L * 1024 * 1024;

    public static async Task<CheckedCrawlRequest> CheckAsync(CrawlUrlsRequest body, ServerOptions options, AddressPolicy addresses, CancellationToken ct)
    {
        if (body.Urls is not { Count: > 0 } urls) throw new ValidationException("urls is required: a list of 1 or more http(s) URLs");
        if (urls.Count > options.CrawlMaxUrlsPerRequest)
            throw new ValidationException($"urls holds {urls.Count} URLs, over the limit of {options.CrawlMaxUrlsPerRequest} per request; send several requests");
        if (body.Note is { Length: > MaxNoteLength }) throw new ValidationException($"note is {body.Note.Length} characters, over the limit of {MaxNoteLength}");
        var normal = new List<string>(urls.Count);
        var hosts = new Dictionary<string, (Uri Url, int Index)>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < urls.Count; i++)
        {
            var text = urls[i] ?? throw new ValidationException($"urls[{i}] is null");
            var url = CrawlUrl.Normalize(text, out var why) ?? throw new ValidationException($"urls[{i}] ({Shorten(text)}): {why}");
            hosts.TryAdd(url.IdnHost, (url, i));
            if (!normal.Contains(url.AbsoluteUri)) normal.Add(url.AbsoluteUri);
        }
        foreach (var (host, (url, i)) in hosts)
            if (await RefusedAddressAsync(host, addresses, ct) is { } refused)
                throw new ValidationException($"urls[{i}] ({Shorten(url.AbsoluteUri)}): {refused}");
        return new CheckedCrawlRequest(normal, Scope(body.Scope, options), body.Note);
    }

    /// <summary>The scope with every value filled in and within the service's limits.</summary>
    private static CrawlScopeRequest Scope(CrawlScopeRequest? s, ServerOptions options)
    {
        s ??= new CrawlScopeRequest();
        int depth = s.Depth ?? Math.Min(1, options.CrawlMaxDepth);
        if (depth < 0 || depth > options.CrawlMaxDepth) throw new ValidationException($"scope.depth must be 0..{options.CrawlMaxDepth}, not {depth}");
        long pages = s.MaxPages ?? options.CrawlMaxPages;
        if (pages < 1 || pages > options.CrawlMaxPages) throw new ValidationException($"scope.max_pages must be 1..{options.CrawlMaxPages}, not {pages}");
        Patterns(s.Patterns, "scope.patterns");
        Patterns(s.Exclude, "scope.exclude");
        return new CrawlScopeRequest
        {
            SameHost = s.SameHost ?? true, Depth = depth, Patterns = s.Patterns ?? [], Exclude = s.Exclude ?? [], IgnoreRobots = s.IgnoreRobots ?? false, MaxPages = pages,
        };
    }

    private static void Patterns(IReadOnlyList<string>? patterns, string field)
    {
        if (patterns is null) return;
        if (patterns.Count > MaxPatterns) throw new ValidationException($"{field} holds {patterns.Count} patterns, over the limit of {MaxPatterns}");
        for (int i = 0; i < patterns.Count; i++)
        {
            var p = patterns[i] ?? throw new ValidationException($"{field}[{i}] is null");
            if (p.Length is 0 or > MaxPatternLength) throw new ValidationException($"{field}[{i}] must be 1..{MaxPatternLength} characters");
            try { _ = CrawlScope.Pattern(p); }
            catch (ArgumentException ex) { throw new ValidationException($"{field}[{i}] is not a valid regular expression: {ex.Message}"); }
        }
    }

    /// <summary>The crawl scope a checked request runs under.</summary>
    public static CrawlScope ToCrawlScope(CrawlScopeRequest s) => new()
    {
        AnyHost = s.SameHost == false, MaxDepth = s.Depth ?? 1, MaxPages = s.MaxPages ?? 1_000, MaxPagesPerHost = s.MaxPages ?? 1_000,
        Include = (s.Patterns ?? []).Select(CrawlScope.Pattern).ToList(), Exclude = (s.Exclude ?? []).Select(CrawlScope.Pattern).ToList(),
        IgnoreRobots = s.IgnoreRobots ?? false,
    };

    /// <summary>
    /// Why a host may not be crawled (a literal or resolved address outside the policy), or null. A name
    /// that does not resolve now is accepted: the crawler records it against the URL if it still fails.
    /// </summary>
    private static async Task<string?> RefusedAddressAsync(string host, AddressPolicy addresses, CancellationToken ct)
    {
        IPAddress[] found;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) found = [literal];
        else
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            try { found = await Dns.GetHostAddressesAsync(host, timeout.Token); }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !ct.IsCancellationRequested) { return null; }
        }
        foreach (var a in found)
            if (!addresses.IsAllowed(a))
                return $"host '{host}' is {a}, a private, loopback or link-local address; refused (the operator may allow it with serve --fetch-allow)";
        return null;
    }

    private static string Shorten(string s) => s.Length <= 100 ? s : s[..100] + $"… ({s.Length:N0} characters)";
}
