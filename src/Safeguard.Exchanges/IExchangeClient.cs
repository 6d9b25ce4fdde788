using Safeguard.Banks;

namespace Safeguard.Exchanges;

/// <summary>Talks to one upstream list. Made by <see cref="ExchangeType.Create"/> for one fetch.</summary>
public interface IExchangeClient : IAsyncDisposable
{
    /// <summary>
    /// The pages after <paramref name="checkpoint"/> (null: from the beginning), oldest first. The
    /// fetcher applies each page and stores its <see cref="ExchangePage.Checkpoint"/> in one
    /// transaction before asking for the next, so a fetch killed at any point resumes where the
    /// last stored page ended. Items of a page may be enumerated once only (streamed).
    /// Throws <see cref="ExchangeException"/> for anything wrong upstream.
    /// </summary>
    IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, CancellationToken ct);

    /// <summary>Sends a reviewer's verdict on a matched entry upstream; only for types with <see cref="ExchangeType.SupportsFeedback"/>.</summary>
    Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken ct) =>
        throw new ExchangeException("this exchange type takes no feedback");
}

/// <summary>
/// A page of changes from upstream. The checkpoint is opaque to everything but the client that
/// made it (a cursor, a timestamp, an ETag), stored as text.
/// </summary>
public sealed record ExchangePage
{
    /// <summary>Entries added or changed, and entries withdrawn, in upstream order. Read once.</summary>
    public required IEnumerable<ExchangeItem> Items { get; init; }

    /// <summary>Stored once the page is applied; the next fetch starts from it.</summary>
    public required string Checkpoint { get; init; }

    /// <summary>
    /// The items are the exchange's whole list (a file or URL list): enabled entries the exchange
    /// brought in before and that are absent now are withdrawn (disabled, kept).
    /// </summary>
    public bool ReplacesAll { get; init; }

    /// <summary>How current upstream's data in this page is (the newest change it holds), for the status's lag.</summary>
    public DateTimeOffset? UpstreamTime { get; init; }

    /// <summary>True when the page says nothing changed (HTTP 304, an empty delta): only the fetch time is recorded.</summary>
    public bool Unchanged { get; init; }

    /// <summary>Upstream items the client left out because Safeguard has no such signal type (counted for the status, not errors).</summary>
    public long Skipped { get; init; }

    /// <summary>Upstream items the client refused (hostile or unusable values) and left out of <see cref="Items"/>, for the counts.</summary>
    public long Rejected { get; init; }

    /// <summary>
    /// The items are already in memory and the client's next page does not depend on this one being
    /// applied: the fetcher may ask for the next page while it stores this one (hiding upstream's latency).
    /// </summary>
    public bool Buffered { get; init; }
}

/// <summary>One upstream item: an entry to add or update, or one withdrawn upstream (disabled here, never deleted).</summary>
public sealed record ExchangeItem(EntryRecord Entry, bool Withdrawn = false)
{
    /// <summary>Upstream's own id for the item, when it has one (kept in the entry's metadata as "upstream_id").</summary>
    public string? UpstreamId { get; init; }

    /// <summary>
    /// A withdrawal known only by upstream id (NCMEC's deleted entries carry no hashes): every entry
    /// of the exchange whose "upstream_id" metadata equals <see cref="UpstreamId"/> is withdrawn;
    /// <see cref="Entry"/> is a placeholder with an empty value.
    /// </summary>
    public bool ByUpstreamId { get; init; }

    /// <summary>The withdrawal of everything that came with <paramref name="upstreamId"/>.</summary>
    public static ExchangeItem WithdrawUpstreamId(string upstreamId) =>
        new(new EntryRecord(Safeguard.Signals.SignalTypes.Md5, ""), Withdrawn: true) { UpstreamId = upstreamId, ByUpstreamId = true };
}

/// <summary>A reviewer's verdict on an entry that came from an exchange.</summary>
public sealed record ExchangeFeedback(string SignalType, string Value, FeedbackVerdict Verdict)
{
    public string? UpstreamId { get; init; }
    /// <summary>The entry's metadata (upstream ids, tags) as stored.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public string? Note { get; init; }
}

public enum FeedbackVerdict { Confirmed, FalsePositive }
