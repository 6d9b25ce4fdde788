namespace Safeguard.Crawl.Frontier;

/// <summary>A page is parsed for links; media is hashed and matched.</summary>
public enum UrlKind { Page, Media }

/// <summary>A URL to add: where it was found (null for a seed) and how many links from a seed.</summary>
public sealed record FrontierEntry(Uri Url, UrlKind Kind, int Depth, string? PageUrl);

/// <summary>A URL this crawler holds until it completes, retries or fails it (or its lease runs out).</summary>
public sealed record ClaimedUrl(long Id, string Url, UrlKind Kind, int Depth, string? PageUrl, int Attempts);

/// <summary>Where a frontier stands.</summary>
public sealed record FrontierCounts(long Queued, long Waiting, long Claimed, long Done, long Failed, long Skipped)
{
    /// <summary>Nothing more to fetch now or later (no queued, retry-waiting or claimed row).</summary>
    public bool Finished => Queued == 0 && Waiting == 0 && Claimed == 0;
}

/// <summary>The hashes of one distinct content (by SHA-256): hashed once however many URLs serve it.</summary>
public sealed record ContentRecord(string Sha256, string FirstUrl, long Size, string Kind, string? Md5, string? Pdq, int? PdqQuality, string? Error);

/// <summary>
/// One match of fetched media: a row of the sightings table (the notices build on these columns).
/// MatchKind is "bank" (matched a bank entry) or "suspected" (near a bank entry, for a reviewer);
/// ReviewState "confirmed", "pending" or "rejected".
/// </summary>
public sealed record Sighting
{
    public long Id { get; init; }
    public required string Url { get; init; }
    public string? PageUrl { get; init; }
    public required DateTimeOffset SeenAt { get; init; }
    public int? HttpStatus { get; init; }
    public string? ServerIp { get; init; }
    public required string Host { get; init; }
    public required string Headers { get; init; }
    public string? ContentType { get; init; }
    public required string Sha256 { get; init; }
    public string? Md5 { get; init; }
    public string? Pdq { get; init; }
    public int? PdqQuality { get; init; }
    public required string MatchKind { get; init; }
    public required string Bank { get; init; }
    public long? EntryId { get; init; }
    public string? ContentId { get; init; }
    public required string SignalType { get; init; }
    public int? Distance { get; init; }
    public required string ReviewState { get; init; }
}

/// <summary>A problem recorded against a URL (redirect loop, too large, slow, bomb, refused address, robots, hostile URL...).</summary>
public sealed record ProblemRecord(string Url, string? PageUrl, string Kind, string Message, DateTimeOffset At);

/// <summary>The words of a sighting's <c>match_kind</c> and <c>review_state</c> columns.</summary>
public static class SightingKinds
{
    public const string Bank = "bank";
    public const string Suspected = "suspected";
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Rejected = "rejected";
}

/// <summary>Sightings by kind and review state (the service's crawl status).</summary>
public sealed record SightingCounts(long Total, long Bank, long Suspected, long Pending, long Confirmed, long Rejected);
