using Safeguard.Crawl.Notices.Contacts;

namespace Safeguard.Crawl.Notices.Storage;

/// <summary>A notice as stored: who it goes to, where it stands, and how many of its items are gone.</summary>
public sealed record Notice(
    long Id,
    string Kind,
    long? ParentId,
    string State,
    Provider Provider,
    DateTimeOffset CreatedAt,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? SentAt,
    string? SentBy,
    string? SentTo,
    DateTimeOffset? EscalatedAt,
    DateTimeOffset? ResolvedAt,
    int ItemCount,
    int GoneCount,
    string? LastError);

/// <summary>One sighting in a notice, with what re-checks found so far.</summary>
public sealed record NoticeItem(
    Sighting Sighting,
    string Rule,
    DateTimeOffset? GoneAt,
    string? GoneReason,
    DateTimeOffset? LastCheckedAt,
    string? LastResult,
    int Failures);

/// <summary>What one pass of <see cref="NoticeStore.CollectAsync"/> did.</summary>
public sealed record CollectResult(int Added, int Notices, int Unassigned);

/// <summary>A sighting whose URL is due for a re-check.</summary>
public sealed record DueItem(long NoticeId, long SightingId, string Url, string Sha256, string? Pdq, int Failures);
