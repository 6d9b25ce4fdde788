using Safeguard.Signals;

namespace Safeguard.Cli.Commands.Video;

/// <summary>The signals <c>video hash --signals</c> computes; outputs list them in this order.</summary>
public sealed record VideoSignalSet(bool VideoMd5, bool Vpdq, bool Tmk)
{
    /// <summary>vpdq and video_md5: TMK is asked for by name, its base64 value being about 351,000 characters a video.</summary>
    public static VideoSignalSet Default { get; } = new(VideoMd5: true, Vpdq: true, Tmk: false);

    public IEnumerable<string> Names
    {
        get
        {
            if (VideoMd5) yield return SignalTypes.VideoMd5.Name;
            if (Vpdq) yield return SignalTypes.Vpdq.Name;
            if (Tmk) yield return SignalTypes.Tmk.Name;
        }
    }

    public override string ToString() => string.Join(',', Names);

    /// <summary>Names or aliases of vpdq, tmk and video_md5, comma-separated; anything else is a usage error.</summary>
    public static VideoSignalSet Parse(string text)
    {
        bool md5 = false, vpdq = false, tmk = false;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!SignalTypes.TryGet(part, out var type)) throw new UsageException($"--signals: unknown signal '{part}' (video signals: vpdq, tmk, video_md5)");
            if (type == SignalTypes.VideoMd5) md5 = true;
            else if (type == SignalTypes.Vpdq) vpdq = true;
            else if (type == SignalTypes.Tmk) tmk = true;
            else throw new UsageException($"--signals: {type.Name} is not a video signal (video signals: vpdq, tmk, video_md5)");
        }
        if (!md5 && !vpdq && !tmk) throw new UsageException("--signals: name at least one of vpdq, tmk, video_md5");
        return new VideoSignalSet(md5, vpdq, tmk);
    }
}
