namespace Safeguard.Crawl.Notices;

/// <summary>
/// One row of the crawler's <c>sightings</c> table: a matched (or suspected) media item seen at a
/// URL. Column for column as the crawler's schema defines it; notices only ever read it.
/// </summary>
public sealed record Sighting(
    long Id,
    string Url,
    string? PageUrl,
    DateTimeOffset SeenAt,
    int HttpStatus,
    string? ServerIp,
    string Host,
    string Headers,
    string ContentType,
    string Sha256,
    string Md5,
    string? Pdq,
    int? PdqQuality,
    string MatchKind,
    string Bank,
    long? EntryId,
    string? ContentId,
    string SignalType,
    int? Distance,
    string ReviewState)
{
    /// <summary>The column list in the order <see cref="SightingColumns.Read"/> expects.</summary>
    public const string Columns =
        "id, url, page_url, seen_at, http_status, server_ip, host, headers, content_type, sha256, md5, pdq, pdq_quality, " +
        "match_kind, bank, entry_id, content_id, signal_type, distance, review_state";

    public static class MatchKinds
    {
        public const string Bank = "bank";
        public const string Suspected = "suspected";
    }

    public static class ReviewStates
    {
        public const string Confirmed = "confirmed";
        public const string Pending = "pending";
        public const string Rejected = "rejected";
    }
}
