using System.Globalization;
using System.Text;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Signals.Vpdq;

/// <summary>
/// vPDQ: a video's frame hashes. Written as <c>pdq,quality,timestamp</c> items joined with
/// <c>;</c> (e.g. <c>e271...055c,100,0.000;c0f1...055c,98,1.000</c>; see docs/video.md). Two videos
/// match when enough of their distinct frames are within the PDQ distance of each other.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Read through the registered signal instance (SignalTypes.Pdq.DefaultThreshold) like every signal type's settings.")]
public sealed class VpdqSignal() : SignalType<IReadOnlyList<VpdqFrame>>("vpdq", SignalKind.Video)
{
    /// <summary>Largest accepted text: about 800 frames.</summary>
    public const int MaxTextLength = 60_000;

    /// <summary>Meta's defaults: 80% of the query's distinct frames must match; none of the banked video's need to.</summary>
    public double DefaultQueryMatchPercent => 80;
    public double DefaultComparedMatchPercent => 0;

    public override bool TryParse(ReadOnlySpan<char> text, out IReadOnlyList<VpdqFrame> value, out string? error)
    {
        var frames = new List<VpdqFrame>();
        value = frames;
        error = null;
        text = text.Trim();
        if (text.IsEmpty) { error = "vpdq value is empty"; return false; }
        if (text.Length > MaxTextLength) { error = $"vpdq value longer than {MaxTextLength} characters"; return false; }
        int n = 0;
        foreach (var range in text.Split(';'))
        {
            var item = text[range].Trim();
            n++;
            int c1 = item.IndexOf(',');
            int c2 = c1 < 0 ? -1 : item[(c1 + 1)..].IndexOf(',') + c1 + 1;
            if (c1 < 0 || c2 <= c1 || item[(c2 + 1)..].Contains(',')) { error = $"vpdq frame {n}: expected pdq,quality,timestamp"; return false; }
            if (!SignalTypes.Pdq.TryParse(item[..c1], out var hash, out var hashError)) { error = $"vpdq frame {n}: {hashError}"; return false; }
            if (!int.TryParse(item[(c1 + 1)..c2].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int q) || q is < 0 or > 100)
            { error = $"vpdq frame {n}: quality must be 0..100"; return false; }
            if (!double.TryParse(item[(c2 + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ts) || !double.IsFinite(ts) || ts < 0)
            { error = $"vpdq frame {n}: bad timestamp"; return false; }
            frames.Add(new VpdqFrame(n - 1, q, hash, ts));
        }
        return true;
    }

    /// <summary>The compact form; a frame equal to the previous one is left out (matching de-duplicates anyway).</summary>
    public override string Format(in IReadOnlyList<VpdqFrame> value) => Format(value, distinctOnly: true);

    public static string Format(IEnumerable<VpdqFrame> frames, bool distinctOnly)
    {
        var sb = new StringBuilder();
        Hash256? previous = null;
        foreach (var f in frames)
        {
            if (distinctOnly && previous == f.Hash) continue;
            previous = f.Hash;
            if (sb.Length > 0) sb.Append(';');
            sb.Append(f.Hash.ToString()).Append(',').Append(f.Quality.ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(f.Timestamp.ToString("0.000", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>
    /// The canonical text: every frame kept as written (a bank's value is stored as given, only
    /// re-spelled), hex lower-cased, quality as an integer, timestamps to the millisecond.
    /// </summary>
    public override string? TryNormalize(ReadOnlySpan<char> raw, out string? error) =>
        TryParse(raw, out var frames, out error) ? Format(frames, distinctOnly: false) : null;
}
