using System.Globalization;
using System.Text;
using System.Text.Json;
using Safeguard.Csv;
using Safeguard.Storage;

namespace Safeguard.Crawl.Notices.Reports;

/// <summary>One provider's figures. Times to removal are hours from the notice being sent to the check that found the media gone.</summary>
public sealed record ProviderFigures(
    string Provider,
    int Sightings,
    int Notices,
    int NoticesSent,
    int Removed,
    int StillPresent,
    int Escalated,
    double? MedianHoursToRemoval,
    double? P90HoursToRemoval,
    double? MedianHoursSeenToRemoval);

/// <summary>
/// Per-provider figures over the notice tables: sightings in notices, notices (escalations not
/// counted), removed, still present (in sent notices, not gone), escalated notices, and the median
/// and 90th percentile of time to removal (linear interpolation between order statistics, as a
/// spreadsheet's PERCENTILE.INC), plus the median time from first sighting to removal.
/// </summary>
public static class RemovalReport
{
    public static readonly string[] CsvColumns =
        ["provider", "sightings", "notices", "notices_sent", "removed", "still_present", "escalated",
         "median_hours_to_removal", "p90_hours_to_removal", "median_hours_seen_to_removal"];

    public static async Task<List<ProviderFigures>> ComputeAsync(Database db, CancellationToken ct = default)
    {
        var rows = new Dictionary<string, Acc>(StringComparer.Ordinal);
        await using var conn = await db.OpenConnectionAsync(ct);
        Acc Get(string name) => rows.TryGetValue(name, out var a) ? a : rows[name] = new Acc();

        await using (var cmd = Db.Command(conn, null,
            "SELECT p.name, COUNT(*), SUM(CASE WHEN n.sent_at IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN n.escalated_at IS NOT NULL THEN 1 ELSE 0 END) " +
            "FROM notices n JOIN providers p ON p.id = n.provider_id WHERE n.kind = 'notice' GROUP BY p.name"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var a = Get(r.GetString(0));
                a.Notices = (int)r.GetInt64(1);
                a.Sent = (int)Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture);
                a.Escalated = (int)Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture);
            }

        // seen_at is read row by row: its type differs between the dialects (text, timestamptz).
        await using (var cmd = Db.Command(conn, null,
            "SELECT p.name, n.sent_at, ns.gone_at, s.seen_at FROM notice_sightings ns JOIN notices n ON n.id = ns.notice_id " +
            "JOIN providers p ON p.id = n.provider_id JOIN sightings s ON s.id = ns.sighting_id"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var a = Get(r.GetString(0));
                a.Sightings++;
                bool sent = !r.IsDBNull(1), gone = !r.IsDBNull(2);
                if (sent && gone)
                {
                    a.Removed++;
                    long goneAt = r.GetInt64(2);
                    a.Hours.Add(Math.Max(0, goneAt - r.GetInt64(1)) / 3_600_000.0);
                    var seen = Storage.SightingColumns.Time(r, 3).ToUnixTimeMilliseconds();
                    a.SeenHours.Add(Math.Max(0, goneAt - seen) / 3_600_000.0);
                }
                else if (sent) a.StillPresent++;
            }

        return [.. rows.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
        {
            var a = kv.Value;
            a.Hours.Sort();
            a.SeenHours.Sort();
            return new ProviderFigures(kv.Key, a.Sightings, a.Notices, a.Sent, a.Removed, a.StillPresent, a.Escalated,
                Percentile(a.Hours, 0.5), Percentile(a.Hours, 0.9), Percentile(a.SeenHours, 0.5));
        })];
    }

    /// <summary>The p-quantile of sorted values by linear interpolation (R type 7); null when empty.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return null;
        double rank = p * (sorted.Count - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    public static string ToJson(IReadOnlyList<ProviderFigures> figures)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("providers");
            foreach (var f in figures)
            {
                w.WriteStartObject();
                w.WriteString("provider", f.Provider);
                w.WriteNumber("sightings", f.Sightings);
                w.WriteNumber("notices", f.Notices);
                w.WriteNumber("notices_sent", f.NoticesSent);
                w.WriteNumber("removed", f.Removed);
                w.WriteNumber("still_present", f.StillPresent);
                w.WriteNumber("escalated", f.Escalated);
                Number(w, "median_hours_to_removal", f.MedianHoursToRemoval);
                Number(w, "p90_hours_to_removal", f.P90HoursToRemoval);
                Number(w, "median_hours_seen_to_removal", f.MedianHoursSeenToRemoval);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static string ToCsv(IReadOnlyList<ProviderFigures> figures)
    {
        var sb = new StringBuilder().AppendJoin(',', CsvColumns).Append('\n');
        foreach (var f in figures)
        {
            // Provider names come from the operator's file: guarded against formula injection like every CSV the project writes.
            sb.Append(CsvField.Escape(f.Provider)).Append(',')
              .AppendJoin(',', new[] { f.Sightings, f.Notices, f.NoticesSent, f.Removed, f.StillPresent, f.Escalated }.Select(n => n.ToString(CultureInfo.InvariantCulture)))
              .Append(',').Append(Hours(f.MedianHoursToRemoval)).Append(',').Append(Hours(f.P90HoursToRemoval))
              .Append(',').Append(Hours(f.MedianHoursSeenToRemoval)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Hours(double? h) => h is { } v ? Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture) : "";

    private static void Number(Utf8JsonWriter w, string name, double? v)
    {
        if (v is { } x) w.WriteNumber(name, Math.Round(x, 3)); else w.WriteNull(name);
    }

    private sealed class Acc
    {
        public int Sightings, Notices, Sent, Removed, StillPresent, Escalated;
        public readonly List<double> Hours = [], SeenHours = [];
    }
}
