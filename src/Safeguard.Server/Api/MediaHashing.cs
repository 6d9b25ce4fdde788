using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Files;
using Safeguard.Server.Index;
using Safeguard.Server.Media;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.Api;

/// <summary>An uploaded or fetched file's hashes; <see cref="Frames"/> is set for a video.</summary>
public sealed record HashedMedia(FileHashes Hashes, IReadOnlyList<VpdqFrame>? Frames)
{
    public bool IsVideo => Frames is not null;
}

/// <summary>Hashes images inline and videos through the bounded <see cref="VideoHasher"/>; looks either up.</summary>
internal static class MediaHashing
{
    public static async Task<HashedMedia> HashAsync(ServerState s, byte[] bytes, string name, CancellationToken ct)
    {
        if (!VideoHasher.LooksLikeVideo(bytes)) return new HashedMedia(await CoreEndpoints.HashImageAsync(s, bytes, name, ct), null);
        var r = await s.VideoHasher.HashAsync(bytes, name, ct);
        var frames = r.VideoFrames!;
        var md5 = FileHashResult.Hex(r.Md5);
        var hashes = new FileHashes(name, r.Size, md5, FileHashResult.Hex(r.Sha1), FileHashResult.Hex(r.Sha256), null, null, r.Width, r.Height)
        {
            VideoMd5 = md5, Vpdq = SignalTypes.Vpdq.Format(frames), VpdqFrames = r.VpdqFrames,
        };
        return new HashedMedia(hashes, frames);
    }

    /// <summary>Matches of a hashed file: PDQ (usable quality) and exact hashes for an image; frames, video_md5 and vPDQ for a video.</summary>
    public static async Task<List<ItemMatch>> MatchAsync(ServerState s, HashedMedia media, CancellationToken ct)
    {
        var h = media.Hashes;
        if (media.Frames is { } frames)
            return await VideoLookup.MatchAsync(s.Lookup, s.VideoBanks, s.Options.PdqThreshold, frames,
                [new("video_md5", h.Md5!), new("sha1", h.Sha1!), new("sha256", h.Sha256!)], ct);
        var queries = new List<QueryHash>();
        if (h.Pdq is not null && h.PdqQuality >= Safeguard.Hashing.Pdq.PdqResult.MinimumUsefulQuality) queries.Add(new("pdq", h.Pdq));
        queries.Add(new("md5", h.Md5!)); queries.Add(new("sha1", h.Sha1!)); queries.Add(new("sha256", h.Sha256!));
        return s.Lookup.MatchAll(queries);
    }
}
