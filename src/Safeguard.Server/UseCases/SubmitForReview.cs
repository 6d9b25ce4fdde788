using Safeguard.Server.Api;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.UseCases;

/// <summary>A submission's item; <paramref name="Reused"/> when the same file already awaited review and the submission was counted on its item.</summary>
public sealed record Submission(long ReviewItemId, FileHashes Hashes, IReadOnlyList<ItemMatch> Matches, bool Reused = false);

/// <summary>
/// Hashes an image a caller submits, looks it up, and queues it for review (kept until decided), hit or not;
/// the same file while its item awaits review is counted on that item (its note in the audit log).
/// </summary>
public sealed class SubmitForReview(MediaHashing media, ReviewStore review)
{
    public async Task<Submission> RunAsync(Upload file, string? note, string actor, CancellationToken ct)
    {
        var hashed = await media.HashImageAsync(file.Bytes, file.Name, ct);
        var h = hashed.Hashes;
        var matches = media.Match(hashed); // the same matches as a lookup of the file
        var queued = await review.CreateOrReuseAsync(new ReviewItem
        {
            Kind = "submitted", FileName = file.Name, MediaType = file.MediaType, Size = file.Bytes.Length, Md5 = h.Md5, Sha1 = h.Sha1, Sha256 = h.Sha256,
            Pdq = h.Pdq, PdqQuality = h.PdqQuality, Matches = matches, SubmissionNote = note,
            VerifiedExact = matches.Any(m => m.VerifiedExact),
        }, file.Bytes, actor, h.Sha256 is { } sha256 ? OpenItemKey.ForFile(sha256) : null);
        return new Submission(queued.Id, h, matches, queued.Reused);
    }
}
