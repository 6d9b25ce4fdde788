using Safeguard.Crawl.Scope;

namespace Safeguard.Crawl;

/// <summary>How a crawl runs (fetch limits are in <see cref="Fetching.FetchOptions"/>).</summary>
public sealed record CrawlOptions
{
    public CrawlScope Scope { get; init; } = new();

    /// <summary>Requests in flight over all hosts.</summary>
    public int Concurrency { get; init; } = 16;

    public int PerHostConcurrency { get; init; } = 2;

    /// <summary>Between two request starts to one host (robots.txt Crawl-delay may make it longer).</summary>
    public TimeSpan PerHostDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Tries after the first for 429, 5xx and network errors.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first retry's wait; doubled each time, unless the server sent Retry-After.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a claimed URL stays this crawler's before another may take it.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Matched media is written here (named by SHA-256); null: media is never written to disk.</summary>
    public string? PreserveEvidenceDir { get; init; }

    /// <summary>
    /// Whether the page caps count the pages already in the frontier (one crawl resumed: true), or only
    /// this run's (the service, whose frontier holds every request it ever crawled: false).
    /// </summary>
    public bool CapsCountEarlierPages { get; init; } = true;

    /// <summary>Take back every claim on start (a single crawler on its own SQLite frontier, restarted after a crash).</summary>
    public bool ReleaseClaimsOnStart { get; init; }
}
