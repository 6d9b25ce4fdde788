using Safeguard.Server.Api;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.UseCases;

public sealed record Submission(long ReviewItemId, FileHashes Hashes, IReadOnlyList<ItemMatch> Matches);

/// <summary>Hashes an image a caller submits, looks it up, and queues it for review (kept until decided), hit or not.</summary>
public sealed class SubmitForReview(MediaHashing media, ReviewStore review)
{
    public async Task<Submission> RunAsync(Upload file, string? note, string actor, CancellationToken ct)
    {
        var hashed = await media.HashImageAsync(file.Bytes, file.Name, ct);
        var h = hashed.Hashes;
        var matches = media.Match(hashed); // the same matches as a lookup of the file
        var id = await review.CreateAsync(new ReviewItem
        {
            Kind = "submitted", FileName = file.Name, MediaType = file.MediaType, Size = file.Bytes.Length, Md5 = h.Md5, Sha1 = h.Sha1, Sha256 = h.Sha256,
            Pdq = h.Pdq, PdqQuality = h.PdqQuality, Matches = matches, SubmissionNote = note,
            VerifiedExact = matches.Any(m => m.VerifiedExact),
        }, file.Bytes, actor);
        return new Submission(id, h, matches);
    }
}
