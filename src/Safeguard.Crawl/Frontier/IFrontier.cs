namespace Safeguard.Crawl.Frontier;

/// <summary>
/// The crawl's persistent state: URLs to fetch (each fetched once, by one crawler, even when
/// several share the frontier), distinct contents, sightings and problems.
/// </summary>
public interface IFrontier : IAsyncDisposable
{
    string Describe { get; }

    /// <summary>Adds URLs not seen before (by normalised URL); returns how many were new.</summary>
    Task<int> AddAsync(IReadOnlyList<FrontierEntry> entries, CancellationToken ct);

    /// <summary>Takes up to <paramref name="max"/> due URLs (queued, or claimed by a crawler whose lease ran out) for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<ClaimedUrl>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct);

    Task CompleteAsync(long id, int? httpStatus, string? sha256, CancellationToken ct);

    /// <summary>Back to the queue, not before <paramref name="notBefore"/>.</summary>
    Task RetryAsync(long id, DateTimeOffset notBefore, CancellationToken ct);

    Task FailAsync(long id, int? httpStatus, CancellationToken ct);

    /// <summary>Not fetched on purpose (robots.txt, a cap).</summary>
    Task SkipAsync(long id, CancellationToken ct);

    /// <summary>Every claim back to the queue: a restarted single crawler takes back what a killed one held.</summary>
    Task<int> ReleaseAllClaimsAsync(CancellationToken ct);

    Task<FrontierCounts> CountsAsync(CancellationToken ct);

    /// <summary>Pages queued or fetched per host (for the per-host page cap).</summary>
    Task<Dictionary<string, long>> PagesPerHostAsync(CancellationToken ct);

    Task RecordProblemAsync(ProblemRecord problem, CancellationToken ct);

    /// <summary>Claims a content for hashing: true when this crawler is the first to see its SHA-256.</summary>
    Task<bool> ClaimContentAsync(string sha256, string url, long size, CancellationToken ct);

    /// <summary>Stores a content's hashes and its sightings together.</summary>
    Task FinishContentAsync(ContentRecord content, IReadOnlyList<Sighting> sightings, CancellationToken ct);

    /// <summary>A content's hashes once its first crawler finished it (null while it is being hashed or unknown).</summary>
    Task<ContentRecord?> FindContentAsync(string sha256, CancellationToken ct);

    /// <summary>Forgets a content claim that was never finished (the crawler holding it died).</summary>
    Task DropUnfinishedContentAsync(string? sha256, CancellationToken ct);

    Task AddSightingsAsync(IReadOnlyList<Sighting> sightings, CancellationToken ct);

    /// <summary>Sightings of one content (by SHA-256), or all when null, in id order.</summary>
    Task<IReadOnlyList<Sighting>> SightingsAsync(string? sha256, CancellationToken ct);

    Task<IReadOnlyList<ProblemRecord>> ProblemsAsync(CancellationToken ct);
}
