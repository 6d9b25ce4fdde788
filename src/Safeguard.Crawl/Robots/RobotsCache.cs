using System.Collections.Concurrent;
using System.Text;
using Safeguard.Crawl.Fetching;

namespace Safeguard.Crawl.Robots;

/// <summary>
/// robots.txt per host, fetched once through the crawler's fetcher (same address and size rules)
/// and kept for the crawl. A missing file (4xx) allows everything; a server error or an
/// unreachable host disallows everything, as RFC 9309 says.
/// </summary>
public sealed class RobotsCache(CrawlFetcher fetcher)
{
    private const int MaxBytes = 512 * 1024;
    private readonly ConcurrentDictionary<string, Lazy<Task<(RobotsTxt Rules, string? Problem)>>> _byHost = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The rules of <paramref name="url"/>'s host, and a problem to record when the file could not be read.</summary>
    public Task<(RobotsTxt Rules, string? Problem)> ForAsync(Uri url, CancellationToken ct)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        return _byHost.GetOrAdd(origin, o => new Lazy<Task<(RobotsTxt, string?)>>(() => LoadAsync(new Uri(o + "/robots.txt"), ct))).Value;
    }

    private async Task<(RobotsTxt, string?)> LoadAsync(Uri robotsUrl, CancellationToken ct)
    {
        var result = await fetcher.FetchAsync(robotsUrl, ct);
        if (result.Ok)
        {
            var body = result.Body.AsSpan(0, Math.Min(result.Body.Length, MaxBytes));
            return (RobotsTxt.Parse(Encoding.UTF8.GetString(body)), null);
        }
        if (result.Status is >= 400 and < 500) return (RobotsTxt.AllowAll, null);
        // A refused address refuses the page too, and that is the problem worth recording.
        if (result.Problem?.Kind is "refused_address" or "refused_url") return (RobotsTxt.AllowAll, null);
        return (RobotsTxt.Parse("User-agent: *\nDisallow: /"), $"robots.txt unreadable ({result.Problem?.Message ?? $"HTTP {result.Status}"}); host treated as disallowed");
    }
}
