using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Media;
using Safeguard.Hashing.Files;
using Safeguard.Server.Index;
using Safeguard.Server.Review;

namespace Safeguard.Server.Crawling;

/// <summary>
/// Suspected media found by the service's crawler goes to the blurred review queue, and the
/// reviewer's decision becomes the sightings' review state: confirmed sightings go into removal
/// notices, rejected ones never do. Only a bounded preview of the media is kept (for the blurred
/// views), until the decision, as for every review item; the fetched file itself is not stored.
/// </summary>
public sealed class CrawlReviews(ReviewStore review, CrawlFrontier frontier, LookupService lookup)
{
    public const string ReviewKind = Severity.CrawlSuspectedKind;
    private const int MaxNameLength = 500;

    /// <summary>Queues the media (one item per content: a second URL serving the same bytes counts on the open item).</summary>
    public async Task<long> QueueAsync(SuspectedMedia media, QueuedCrawl request)
    {
        var h = media.Outcome.Hashes;
        var sha256 = FileHashResult.Hex(h.Sha256)!;
        var preview = Media.Preview.Bounded(media.Body);
        var suspected = media.Outcome.Matches.Where(m => m.Suspected).Select(m => m.Match);
        var note = $"crawl request {request.Id}: {media.Url}" + (media.PageUrl is { } page ? $" on page {page}" : "") +
                   (request.Note is { } n ? $"; {n}" : "");
        var queued = await review.CreateOrReuseAsync(new ReviewItem
        {
            Kind = ReviewKind, FileName = Cap(media.Url), MediaType = media.ContentType, Size = media.Body.Length,
            Md5 = FileHashResult.Hex(h.Md5), Sha1 = FileHashResult.Hex(h.Sha1), Sha256 = sha256, Pdq = h.Pdq?.Hash.ToString(), PdqQuality = h.Pdq?.Quality,
            Matches = lookup.Describe(suspected, h), SubmissionNote = Cap(note),
            MediaNote = preview is null ? null : "bounded preview of media found by the crawler (the fetched file is not kept)",
        }, preview, request.SubmittedBy, new OpenItemKey("sha256", sha256, [ReviewKind]));
        return queued.Id;
    }

    /// <summary>After a decision: confirmed → the content's pending suspected sightings are confirmed; false positive → rejected; escalation leaves them pending.</summary>
    public async Task<int> OnDecidedAsync(ReviewItem decided, CancellationToken ct = default)
    {
        if (decided.Kind != ReviewKind || decided.Sha256 is not { } sha256) return 0;
        string? state = decided.Status switch
        {
            ReviewStatus.Confirmed => SightingKinds.Confirmed,
            ReviewStatus.FalsePositive => SightingKinds.Rejected,
            _ => null,
        };
        return state is null ? 0 : await (await frontier.GetAsync(ct)).SetReviewStateAsync(sha256, state, ct);
    }

    private static string Cap(string s) => s.Length <= MaxNameLength ? s : s[..MaxNameLength] + "…";
}
