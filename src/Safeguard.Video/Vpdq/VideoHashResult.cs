using Safeguard.Hashing.Pdq;
using Safeguard.Video.Ffmpeg;

namespace Safeguard.Video.Vpdq;

/// <summary>A video's vPDQ frames and the MD5 of the whole file, or why it failed.</summary>
public sealed class VideoHashResult
{
    public required string Path { get; init; }
    public VideoInfo? Info { get; set; }
    public List<VpdqFrame> Frames { get; } = [];
    /// <summary>TMK+PDQF from the same decode, when <see cref="VpdqOptions.Tmk"/> asked for it.</summary>
    public Safeguard.Hashing.Tmk.TmkFeatures? Tmk { get; set; }
    /// <summary>MD5 of the whole file: the <c>video_md5</c> exact signal.</summary>
    public byte[]? Md5 { get; set; }
    public long Size { get; set; }
    /// <summary>Frames decoded by FFmpeg (all of them in exact mode; fewer in fast mode).</summary>
    public long DecodedFrames { get; set; }
    public string? Error { get; set; }
    public bool Failed => Error is not null;
}
