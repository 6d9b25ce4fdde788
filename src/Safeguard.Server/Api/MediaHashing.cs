using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Files;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Server.Media;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.Api;

/// <summary>A file's hashes as the API reports them: exact hashes and PDQ for an image, video_md5 and vPDQ for a video.</summary>
public sealed record FileHashes(string FileName, long Size, string? Md5, string? Sha1, string? Sha256, string? Pdq, int? PdqQuality, int Width, int Height)
{
    /// <summary>For a video: MD5 of the whole file (the video_md5 signal; equal to md5).</summary>
    public string? VideoMd5 { get; init; }
    /// <summary>For a video: the vPDQ in compact form (pdq,quality,seconds;...), 1 frame per second.</summary>
    public string? Vpdq { get; init; }
    public int? VpdqFrames { get; init; }
    /// <summary>For a video: its TMK+PDQF, base64 of Meta's .tmk file (about 351,000 characters); the tmk signal's value.</summary>
    public string? Tmk { get; init; }
}

/// <summary>An uploaded or fetched file: its hashes as the engine holds them, and as the API reports them.</summary>
public sealed record HashedMedia(FileHashes Hashes, FileHashResult Result)
{
    public bool IsVideo => Result.VideoFrames is not null;
    public IReadOnlyList<VpdqFrame>? Frames => Result.VideoFrames;
}

/// <summary>
/// Hashes uploads through the engine's media hasher (images inline within the decode budget, videos
/// through the bounded <see cref="VideoHasher"/>) and matches them with the engine's matcher.
/// </summary>
public sealed class MediaHashing(HasherPool hashers, VideoHasher videoHasher, LookupService lookup)
{
    public async Task<HashedMedia> HashAsync(byte[] bytes, string name, CancellationToken ct)
    {
        if (!VideoHasher.LooksLikeVideo(bytes)) return await HashImageAsync(bytes, name, ct);
        var r = await videoHasher.HashAsync(bytes, name, ct);
        var md5 = FileHashResult.Hex(r.Md5);
        var hashes = new FileHashes(name, r.Size, md5, FileHashResult.Hex(r.Sha1), FileHashResult.Hex(r.Sha256), null, null, r.Width, r.Height)
        {
            VideoMd5 = md5, Vpdq = SignalTypes.Vpdq.Format(r.VideoFrames!), VpdqFrames = r.VpdqFrames,
            Tmk = r.Tmk is { } tmk ? SignalTypes.Tmk.Format(tmk) : null,
        };
        return new HashedMedia(hashes, r);
    }

    /// <summary>An image's hashes; a file that is no decodable image is a 415.</summary>
    public async Task<HashedMedia> HashImageAsync(byte[] bytes, string name, CancellationToken ct)
    {
        var r = await hashers.HashAsync(bytes, name, ct);
        if (r.Pdq is null)
            throw new UnsupportedMediaException($"'{name}' is not a decodable image ({r.Error ?? "unknown format"}); nothing was stored");
        return new HashedMedia(new FileHashes(name, r.Size, FileHashResult.Hex(r.Md5), FileHashResult.Hex(r.Sha1), FileHashResult.Hex(r.Sha256),
            r.Pdq?.Hash.ToString(), r.Pdq?.Quality, r.Width, r.Height), r);
    }

    /// <summary>Matches of a hashed file, by the one matcher and policy every entry point uses.</summary>
    public List<ItemMatch> Match(HashedMedia media) => lookup.Match(media.Result);

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

    /// <summary>
    /// For a matched video, its keyframe strip (<see cref="KeyframeStrip"/>): frames spread over the video, one
    /// FFmpeg seek each; null for images, videos with fewer than two useful frames, or when no frame reads.
    /// </summary>
    public async Task<byte[]?> KeyframesAsync(HashedMedia media, byte[] bytes, CancellationToken ct)
    {
        if (media.Frames is not { } frames) return null;
        var seconds = KeyframeStrip.ChooseSeconds(frames);
        if (seconds.Count < 2) return null;
        var stills = new List<byte[]>(seconds.Count);
        foreach (var t in seconds)
            if (await videoHasher.FrameAsPngAsync(bytes, t, ct) is { } png) stills.Add(png);
        return stills.Count < 2 ? null : KeyframeStrip.Compose(stills);
    }
}
