using Safeguard.Server.Api;
using Safeguard.Server.Matching;
using Safeguard.Server.Media;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.UseCases;

public sealed record FileLookup(FileHashes Hashes, IReadOnlyList<ItemMatch> Matches, long? ReviewItemId);

/// <summary>
/// Hashes a file (uploaded or fetched) and matches it; a hit becomes a review item that keeps the
/// image, or for a video the frame at the matched time.
/// </summary>
public sealed class LookupFile(MediaHashing media, SafeFetcher fetcher, ReviewStore review)
{
    public async Task<FileLookup> RunAsync(Upload file, string actor, CancellationToken ct)
    {
        var hashed = await media.HashAsync(file.Bytes, file.Name, ct);
        var h = hashed.Hashes;
        var matches = media.Match(hashed);
        long? itemId = null;
        if (matches.Count > 0)
        {
            var (kept, note) = await media.KeptMediaAsync(hashed, file.Bytes, matches, ct);
            // The same file while its item awaits review lands on that item (counted), not on a new one.
            var queued = await review.CreateOrReuseAsync(new ReviewItem
            {
                Kind = "media-hit", FileName = file.Name, MediaType = file.MediaType, Size = file.Bytes.Length,
                Md5 = h.Md5, Sha1 = h.Sha1, Sha256 = h.Sha256, Pdq = h.Pdq, PdqQuality = h.PdqQuality, Matches = matches,
                VerifiedExact = matches.Any(m => m.VerifiedExact), MediaNote = note,
            }, kept, actor, h.Sha256 is { } sha256 ? OpenItemKey.ForFile(sha256) : null);
            itemId = queued.Id;
            // A new video item also gets its keyframe strip; a repeat already has one.
            if (kept is not null && !queued.Reused && await media.KeyframesAsync(hashed, file.Bytes, ct) is { } strip)
                await review.SetKeyframesAsync(queued.Id, strip);
        }
        return new FileLookup(h, matches, itemId);
    }

    public async Task<FileLookup> FromUrlAsync(string url, string actor, CancellationToken ct) => await RunAsync(await fetcher.FetchAsync(url, ct), actor, ct);
}
