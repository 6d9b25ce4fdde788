namespace Safeguard.Video.Streams;

/// <summary>How <see cref="StreamWatcher"/> samples, matches and reconnects.</summary>
public sealed record WatchOptions
{
    /// <summary>Frames hashed per second of stream time.</summary>
    public double SampleRate { get; init; } = 2;
    /// <summary>FFmpeg scene score (0..1) above which a frame is hashed as well; 0 disables.</summary>
    public double SceneThreshold { get; init; } = 0.3;
    public int Distance { get; init; } = Safeguard.Hashing.Pdq.PdqResult.DefaultMatchThreshold;
    public int MinQuality { get; init; } = 50;
    /// <summary>No frame for this long: the connection is treated as dropped.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ReconnectInitial { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Reconnect after the source ends or fails (streams); files and standard input end the watch instead.</summary>
    public bool? Reconnect { get; init; }
    /// <summary>Read a file at its native frame rate, as if it were live (<c>-re</c>).</summary>
    public bool Realtime { get; init; }
    public long MaxPixels { get; init; } = Ffmpeg.VideoProbe.DefaultMaxPixels;
    /// <summary>The same match is alerted again only after this much stream time.</summary>
    public TimeSpan AlertCooldown { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Folder to keep frames that raised alerts (PNG); null keeps nothing.</summary>
    public string? AlertFrameDirectory { get; init; }
    public int DecoderThreads { get; init; } = 1;
    /// <summary>Match a rolling TMK+PDQF of this much stream (null: no TMK), from the same decode.</summary>
    public TimeSpan? TmkWindow { get; init; }
    /// <summary>How often the rolling TMK is matched.</summary>
    public TimeSpan TmkInterval { get; init; } = TimeSpan.FromSeconds(30);
}
