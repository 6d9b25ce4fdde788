namespace Safeguard.Video.Vpdq;

/// <summary>How a video file is sampled and decoded for vPDQ.</summary>
public sealed record VpdqOptions
{
    /// <summary>Seconds between hashed frames (vPDQ's secondsPerHash); ignored with <see cref="EveryFrame"/>.</summary>
    public double IntervalSeconds { get; init; } = 1.0;
    /// <summary>Hash every decoded frame.</summary>
    public bool EveryFrame { get; init; }
    /// <summary>
    /// Skip decoding frames no other frame references (<c>-skip_frame noref</c>) and hash the first
    /// decoded frame at or after each interval boundary. Decoded pixels are exact; a sample may
    /// land one or two frames after vPDQ's. About twice as fast on B-frame-coded video.
    /// </summary>
    public bool Fast { get; init; }
    /// <summary>Crop uniform black or white borders of each frame before hashing (not part of Meta's vPDQ).</summary>
    public bool Unletterbox { get; init; }
    public bool ComputeMd5 { get; init; } = true;
    /// <summary>Also compute TMK+PDQF from the same decode (one FFmpeg process, two outputs); turns <see cref="Fast"/> off, since TMK needs every frame.</summary>
    public bool Tmk { get; init; }
    /// <summary>Compute vPDQ (false with <see cref="Tmk"/>: TMK alone).</summary>
    public bool Vpdq { get; init; } = true;
    public long MaxPixels { get; init; } = Ffmpeg.VideoProbe.DefaultMaxPixels;
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>swscale flags for YUV to RGB; vPDQ's are <c>area</c>.</summary>
    public string SwsFlags { get; init; } = "area+accurate_rnd";
    /// <summary>FFmpeg decoder threads (0: FFmpeg's choice).</summary>
    public int DecoderThreads { get; init; }

    public static VpdqOptions Default { get; } = new();
}
