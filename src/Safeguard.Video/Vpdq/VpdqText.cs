using System.Globalization;
using System.Text;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Video.Vpdq;

/// <summary>
/// Text forms of a vPDQ hash.
/// <list type="bullet">
/// <item>Rows (Meta's vPDQ output, the sample-hashes files): <c>frame,quality,pdq,timestamp</c>, one per line.</item>
/// <item>Compact (a bank's <c>vpdq</c> value): written and read by the vpdq signal type
/// (<c>Safeguard.Signals.Vpdq.VpdqSignal</c>).</item>
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
}
