using System.Globalization;

namespace Safeguard.Matching;

/// <summary>
/// How much of this process's memory sits on transparent huge pages (Linux's AnonHugePages), so a
/// benchmark or a service start can say whether the index's tables got them. At 100M hashes the
/// search loses a fifth of its rate on 4 KB pages (each random read also walks the page tables),
/// and the kernel falls back to them silently when memory is fragmented or THP is off.
/// </summary>
public static class HugePages
{
    private const string Rollup = "/proc/self/smaps_rollup";

    /// <summary>Bytes of this process's anonymous memory on huge pages, or null where the system does not report it.</summary>
    public static long? ProcessBytes()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            foreach (var line in File.ReadLines(Rollup))
                if (ParseKilobytes(line, "AnonHugePages:") is { } kb) return kb * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>The value of a "Name:   123 kB" line, or null when the line is another field or malformed.</summary>
    internal static long? ParseKilobytes(string line, string field)
    {
        if (!line.StartsWith(field, StringComparison.Ordinal)) return null;
        var rest = line.AsSpan(field.Length).Trim();
        if (!rest.EndsWith(" kB", StringComparison.Ordinal)) return null;
        return long.TryParse(rest[..^3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : null;
    }

    /// <summary>
    /// "7.40 of 7.44 GB (99%)": how much of <paramref name="tableBytes"/> filled between two
    /// <see cref="ProcessBytes"/> readings went onto huge pages; "not reported" without readings.
    /// (Tables under 2 MB are never advised, see NativeBuffer, so small indexes show 0%.)
    /// </summary>
    public static string DescribeShare(long? before, long? after, long tableBytes)
    {
        if (tableBytes <= 0) return "no tables yet";
        if (before is not { } b || after is not { } a) return "not reported on this system";
        long onHuge = Math.Clamp(a - b, 0, tableBytes);
        var (scale, unit) = tableBytes >= 1_000_000_000 ? (1e9, "GB") : (1e6, "MB");
        return string.Create(CultureInfo.InvariantCulture,
            $"{onHuge / scale:F2} of {tableBytes / scale:F2} {unit} ({100.0 * onHuge / tableBytes:F0}%)");
    }
}
