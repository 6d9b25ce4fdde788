using Safeguard.Hashing.Tmk;

namespace Safeguard.Video.Tmk;

/// <summary>How a video is decoded for TMK+PDQF.</summary>
public sealed record TmkOptions
{
    public long MaxPixels { get; init; } = Ffmpeg.VideoProbe.DefaultMaxPixels;
    /// <summary>No decoded data for this long kills the decoder with a timeout error.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>FFmpeg decoder threads (0: FFmpeg's choice). Batch hashing runs one single-threaded decoder per core instead.</summary>
    public int DecoderThreads { get; init; }
    /// <summary>Frames beyond this many (at 15 fps; default 24 hours) end the hash with an error rather than run on.</summary>
    public long MaxFrames { get; init; } = 24L * 3600 * TmkParameters.FramesPerSecond;

    public static TmkOptions Default { get; } = new();
}
