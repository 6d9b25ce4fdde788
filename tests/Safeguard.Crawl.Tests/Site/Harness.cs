using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Media;
using Safeguard.Crawl.Scope;
using Safeguard.Engine.Matching;
using Safeguard.Exchanges.Http;
using Safeguard.Hashing.Files;
using Safeguard.Engine.Media;

namespace Safeguard.Crawl.Tests.Site;

/// <summary>Runs a crawler in-process against a test site with test-sized limits.</summary>
public static class Harness
{
    public static readonly AddressPolicy Loopback = new(["127.0.0.1/32"]);

    public static FetchOptions Fetch(Uri? proxy = null) => new()
    {
        // The cap is small so the 1 GB body is cut off after little reading even on a loaded machine.
        Addresses = Loopback, Timeout = TimeSpan.FromSeconds(6), MaxBodyBytes = 4L << 20, Proxy = proxy,
    };

    public static CrawlOptions Options(CrawlScope? scope = null) => new()
    {
        Scope = scope ?? new CrawlScope { MaxDepth = 3, MaxPagesPerHost = 30 },
        Concurrency = 8, PerHostConcurrency = 8, PerHostDelay = TimeSpan.Zero, RetryBase = TimeSpan.FromMilliseconds(50),
        ReleaseClaimsOnStart = true,
    };

    public static async Task<CrawlStats> RunAsync(IFrontier frontier, Matcher matcher, IReadOnlyList<string> seeds, CrawlOptions options, FetchOptions fetch)
    {
        using var fetcher = new CrawlFetcher(fetch);
        using var media = new MediaMatching(matcher, new FileHashOptions(), MediaHasher.FastVideo);
        var crawler = new Crawler(frontier, fetcher, media, options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await crawler.RunAsync(seeds, timeout.Token);
        return crawler.Stats;
    }
}
