using System.Globalization;
using System.Text;

namespace Safeguard.Banks;

/// <summary>
/// Video signals: <c>video_md5</c> (MD5 of the whole file, 32 hex digits) and <c>vpdq</c> (a
/// video's frame hashes as <c>pdq,quality,timestamp</c> items joined with <c>;</c>, e.g.
/// <c>e271...055c,100,0.000;c0f1...055c,98,1.000</c>; see docs/video.md).
/// </summary>
public static class VideoSignalTypes
{
    public static readonly SignalType VideoMd5 = new("video_md5", 32);
    /// <summary>HexLength 0: the value is a frame list, checked by its normaliser.</summary>
    public static readonly SignalType Vpdq = new("vpdq", 0) { Normalizer = NormalizeVpdq };

    public static IEnumerable<SignalType> All => [VideoMd5, Vpdq];

    /// <summary>Largest accepted value: about 800 frames (lines of bank files are limited to 64 KiB).</summary>
    public const int MaxVpdqLength = 60_000;

    private static string? NormalizeVpdq(string raw, out string? error)
    {
        error = null;
        if (raw.Length == 0) { error = "vpdq value is empty"; return null; }
        if (raw.Length > MaxVpdqLength) { error = $"vpdq value longer than {MaxVpdqLength} characters"; return null; }
        var sb = new StringBuilder(raw.Length);
        int n = 0;
        foreach (var item in raw.Split(';'))
        {
            n++;
            var parts = item.Trim().Split(',');
            if (parts.Length != 3) { error = $"vpdq frame {n}: expected pdq,quality,timestamp"; return null; }
            var hex = SignalTypes.Pdq.TryNormalize(parts[0], out var hexError);
            if (hex is null) { error = $"vpdq frame {n}: {hexError}"; return null; }
            if (!int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int q) || q is < 0 or > 100)
            { error = $"vpdq frame {n}: quality must be 0..100"; return null; }
            if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double ts) || !double.IsFinite(ts) || ts < 0)
            { error = $"vpdq frame {n}: bad timestamp"; return null; }
            if (sb.Length > 0) sb.Append(';');
            sb.Append(hex).Append(',').Append(q.ToString(CultureInfo.InvariantCulture)).Append(',').Append(ts.ToString("0.000", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
