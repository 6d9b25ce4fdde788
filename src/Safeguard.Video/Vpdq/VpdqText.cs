using System.Globalization;
using System.Text;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Video.Vpdq;

/// <summary>
/// Text forms of a vPDQ hash.
/// <list type="bullet">
/// <item>Rows (Meta's vPDQ output, the sample-hashes files): <c>frame,quality,pdq,timestamp</c>, one per line.</item>
/// <item>Compact (a bank's <c>vpdq</c> value): <c>pdq,quality,timestamp</c> items joined with <c>;</c>,
/// e.g. <c>e271...055c,100,0.000;c0f1...055c,98,1.000</c>. No spaces, so it fits a plain-list line.</item>
/// </list>
/// </summary>
public static class VpdqText
{
    public static string FormatRow(in VpdqFrame f) =>
        string.Create(CultureInfo.InvariantCulture, $"{f.FrameNumber},{f.Quality},{f.Hash},{f.Timestamp:0.000}");

    public static IEnumerable<VpdqFrame> ReadRows(TextReader reader)
    {
        string? line;
        int lineNo = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split(',');
            if (parts.Length < 3 || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long frame)
                || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int quality)
                || !Hash256.TryParse(parts[2].Trim(), out var hash))
                throw new FormatException($"line {lineNo}: expected frame,quality,pdq,timestamp");
            double ts = parts.Length > 3 && double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : 0;
            yield return new VpdqFrame(frame, quality, hash, ts);
        }
    }

    public static List<VpdqFrame> ReadRowsFile(string path)
    {
        using var r = new StreamReader(path);
        return ReadRows(r).ToList();
    }

    /// <summary>The compact form. With <paramref name="distinctOnly"/>, a frame equal to the previous kept one is left out (vPDQ matching de-duplicates anyway).</summary>
    public static string FormatCompact(IEnumerable<VpdqFrame> frames, bool distinctOnly = true)
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

    public static bool TryParseCompact(ReadOnlySpan<char> text, out List<VpdqFrame> frames, out string? error)
    {
        frames = [];
        error = null;
        text = text.Trim();
        if (text.IsEmpty) { error = "empty vpdq value"; return false; }
        int n = 0;
        foreach (var range in text.Split(';'))
        {
            var item = text[range].Trim();
            n++;
            if (item.IsEmpty) { error = $"vpdq frame {n} is empty"; return false; }
            int c1 = item.IndexOf(',');
            int c2 = c1 < 0 ? -1 : item[(c1 + 1)..].IndexOf(',') + c1 + 1;
            if (c1 < 0 || c2 <= c1) { error = $"vpdq frame {n}: expected pdq,quality,timestamp"; return false; }
            if (!Hash256.TryParse(item[..c1], out var hash)) { error = $"vpdq frame {n}: bad pdq hash"; return false; }
            if (!int.TryParse(item[(c1 + 1)..c2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int q) || q is < 0 or > 100)
            { error = $"vpdq frame {n}: quality must be 0..100"; return false; }
            if (!double.TryParse(item[(c2 + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double ts) || !double.IsFinite(ts) || ts < 0)
            { error = $"vpdq frame {n}: bad timestamp"; return false; }
            frames.Add(new VpdqFrame(n - 1, q, hash, ts));
        }
        return true;
    }
}
