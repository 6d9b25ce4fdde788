using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Files;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Server.Media;
using Safeguard.Server.Review;
using Safeguard.Signals;
using Safeguard.Video.Vpdq;

namespace Safeguard.Server.Api;

/// <summary>A file's hashes as the API reports them: exact hashes and PDQ for an image, video_md5 and vPDQ for a video.</summary>
public sealed record FileHashes(string FileName, long Size, string? Md5, string? Sha1, string? Sha256, string? Pdq, int? PdqQuality, int Width, int Height)
{
    /// <summary>For a video: MD5 of the whole file (the video_md5 signal; equal to md5).</summary>
    public string? VideoMd5 { get; init; }
    /// <summary>For a video: the vPDQ in compact form (pdq,quality,seconds;...), 1 frame per second.</summary>
    public string? Vpdq { get; init; }
    public int? VpdqFrames { get; init; }
}

/// <summary>An uploaded or fetched file's hashes; <see cref="Frames"/> is set for a video.</summary>
public sealed record HashedMedia(FileHashes Hashes, IReadOnlyList<VpdqFrame>? Frames)
{
    public bool IsVideo => Frames is not null;
}

/// <summary>Hashes images inline and videos through the bounded <see cref="VideoHasher"/>; looks either up.</summary>
public sealed class MediaHashing(HasherPool hashers, VideoHasher videoHasher, LookupService lookup, VpdqBankCache videoBanks, ServerOptions options)
{
    public async Task<HashedMedia> HashAsync(byte[] bytes, string name, CancellationToken ct)
    {
        if (!VideoHasher.LooksLikeVideo(bytes)) return new HashedMedia(await HashImageAsync(bytes, name, ct), null);
        var r = await videoHasher.HashAsync(bytes, name, ct);
        var frames = r.VideoFrames!;
        var md5 = FileHashResult.Hex(r.Md5);
        var hashes = new FileHashes(name, r.Size, md5, FileHashResult.Hex(r.Sha1), FileHashResult.Hex(r.Sha256), null, null, r.Width, r.Height)
        {
            VideoMd5 = md5, Vpdq = SignalTypes.Vpdq.Format(frames), VpdqFrames = r.VpdqFrames,
        };
        return new HashedMedia(hashes, frames);
    }

    /// <summary>An image's hashes; a file that is no decodable image is a 415 unless <paramref name="requireImage"/> is false.</summary>
    public async Task<FileHashes> HashImageAsync(byte[] bytes, string name, CancellationToken ct, bool requireImage = true)
    {
        var r = await hashers.HashAsync(bytes, name, ct);
        if (requireImage && r.Pdq is null)
            throw new UnsupportedMediaException($"'{name}' is not a decodable image ({r.Error ?? "unknown format"}); nothing was stored");
        return new FileHashes(name, r.Size, FileHashResult.Hex(r.Md5), FileHashResult.Hex(r.Sha1), FileHashResult.Hex(r.Sha256),
            r.Pdq?.Hash.ToString(), r.Pdq?.Quality, r.Width, r.Height);
    }

    /// <summary>Matches of a hashed file: PDQ (usable quality) and exact hashes for an image; frames, video_md5 and vPDQ for a video.</summary>
    public async Task<List<ItemMatch>> MatchAsync(HashedMedia media, CancellationToken ct)
    {
        var h = media.Hashes;
        if (media.Frames is { } frames)
            return await VideoLookup.MatchAsync(lookup, videoBanks, options.PdqThreshold, frames,
                [new("video_md5", h.Md5!), new("sha1", h.Sha1!), new("sha256", h.Sha256!)], ct);
        var queries = new List<QueryHash>();
        if (h.Pdq is not null && h.PdqQuality >= Safeguard.Hashing.Pdq.PdqResult.MinimumUsefulQuality) queries.Add(new("pdq", h.Pdq));
        queries.Add(new("md5", h.Md5!)); queries.Add(new("sha1", h.Sha1!)); queries.Add(new("sha256", h.Sha256!));
        return lookup.MatchAll(queries);
    }

    /// <summary>
    /// Reviewers see media through image previews: an image is kept as uploaded; a video by one
    /// frame at the matched time, as PNG, or by hashes only when there is no such frame to show.
    /// </summary>
    public async Task<(byte[]? Media, string? Note)> KeptMediaAsync(HashedMedia media, byte[] bytes, IReadOnlyList<ItemMatch> matches, CancellationToken ct)
    {
        if (media.Frames is not { } frames) return (bytes, null);
        if (VideoReviewFrame.ChooseSeconds(matches, frames) is not { } seconds) return (null, null);
        var png = await videoHasher.FrameAsPngAsync(bytes, seconds, ct);
        return png is null ? (null, null) : (png, VideoReviewFrame.Describe(seconds));
    }
}
