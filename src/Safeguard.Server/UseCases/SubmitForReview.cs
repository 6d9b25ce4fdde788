using Safeguard.Server.Api;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.UseCases;

public sealed record Submission(long ReviewItemId, FileHashes Hashes, IReadOnlyList<ItemMatch> Matches);

/// <summary>Hashes an image a caller submits, looks it up, and queues it for review (kept until decided), hit or not.</summary>
public sealed class SubmitForReview(MediaHashing media, LookupService lookup, ReviewStore review)
{
    public async Task<Submission> RunAsync(Upload file, string? note, string actor, CancellationToken ct)
    {
        var h = await media.HashImageAsync(file.Bytes, file.Name, ct);
        var matches = lookup.MatchAll(new[] { ("pdq", h.Pdq), ("md5", h.Md5), ("sha1", h.Sha1), ("sha256", h.Sha256) }
            .Where(x => x.Item2 is not null).Select(x => new QueryHash(x.Item1, x.Item2!)));
        var id = await review.CreateAsync(new ReviewItem
        {
            Kind = "submitted", FileName = file.Name, MediaType = file.MediaType, Size = file.Bytes.Length, Md5 = h.Md5, Sha1 = h.Sha1, Sha256 = h.Sha256,
            Pdq = h.Pdq, PdqQuality = h.PdqQuality, Matches = matches, SubmissionNote = note,
            VerifiedExact = matches.Any(m => m.Verified && m.SignalType != "pdq"),
        }, file.Bytes, actor);
        return new Submission(id, h, matches);
    }
}
