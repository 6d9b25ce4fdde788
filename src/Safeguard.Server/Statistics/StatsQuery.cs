using System.Globalization;
using Safeguard.Server.Data;

namespace Safeguard.Server.Statistics;

/// <summary>
/// The dashboard's statistics, counted in SQL (valid on SQLite and PostgreSQL): review items per day
/// by kind, decisions per day, matched banks, confirmed categories, time to decision, media exposure.
/// Days are UTC; <c>at / 86400000</c> is integer division in both engines.
/// </summary>
public sealed class StatsQuery(ServerDb db)
{
    private const string Day = "86400000";

    public async Task<StatsReport> RunAsync(StatsRange range)
    {
        (string, object?)[] args = [("@from", range.FromMillis), ("@to", range.ToMillisExclusive)];
        var items = await CountsAsync($"SELECT created_at / {Day}, kind, COUNT(*) FROM review_items WHERE created_at >= @from AND created_at < @to GROUP BY 1, 2", args);
        var decisions = await CountsAsync(
            $"SELECT decided_at / {Day}, decision, COUNT(*) FROM review_items WHERE decided_at >= @from AND decided_at < @to AND decision IS NOT NULL GROUP BY 1, 2", args);
        var banks = await NamedAsync(MatchedBanksSql(), args);
        var categories = await NamedAsync(
            "SELECT COALESCE(category, '(none)'), COUNT(*) FROM review_items WHERE status = 'confirmed' AND decided_at >= @from AND decided_at < @to GROUP BY 1", args);
        var exposure = await db.QueryAsync(
            "SELECT actor, SUM(CASE WHEN action = 'media.view.clear' THEN 1 ELSE 0 END), SUM(CASE WHEN action = 'media.view.blurred' THEN 1 ELSE 0 END) " +
            "FROM audit_log WHERE action IN ('media.view.clear', 'media.view.blurred') AND at >= @from AND at < @to GROUP BY actor",
            r => new ReviewerExposure(r.GetString(0), Long(r.GetValue(1)), Long(r.GetValue(2))), args);
        exposure = [.. exposure.OrderByDescending(e => e.ClearViews).ThenBy(e => e.Reviewer, StringComparer.Ordinal)];
        long matched = await ScalarAsync("SELECT COUNT(*) FROM review_items WHERE created_at >= @from AND created_at < @to AND matches IS NOT NULL AND matches <> '[]'", args);
        long awaiting = await ScalarAsync("SELECT COUNT(*) FROM review_items WHERE status IN ('pending', 'escalated')");

        long Decided(string d) => decisions.Where(c => c.Key == d).Sum(c => c.Count);
        var totals = new StatsTotals(items.Sum(c => c.Count), matched, Decided("confirmed"), Decided("false_positive"), Decided("escalate"),
            exposure.Sum(e => e.ClearViews), exposure.Sum(e => e.BlurredViews), awaiting);
        return new StatsReport(Iso(range.From), Iso(range.To), totals, PerDay(range, items), PerDay(range, decisions),
            banks, categories, await DecisionTimesAsync(args), exposure);
    }

    /// <summary>Items per bank they matched (an item matching a bank several times counts once), from the JSON matches column.</summary>
    private string MatchedBanksSql() => db.IsPostgres
        ? "SELECT m.value ->> 'bank', COUNT(DISTINCT r.id) FROM review_items r CROSS JOIN LATERAL jsonb_array_elements(r.matches::jsonb) m " +
          "WHERE r.created_at >= @from AND r.created_at < @to AND r.matches IS NOT NULL GROUP BY 1"
        : "SELECT json_extract(m.value, '$.bank'), COUNT(DISTINCT r.id) FROM review_items r, json_each(r.matches) m " +
          "WHERE r.created_at >= @from AND r.created_at < @to AND r.matches IS NOT NULL GROUP BY 1";

    /// <summary>Median and 90th percentile by nearest rank: a count, then one sorted row each (no engine-specific percentile function).</summary>
    private async Task<DecisionTimes> DecisionTimesAsync((string, object?)[] args)
    {
        const string final = "FROM review_items WHERE decided_at >= @from AND decided_at < @to AND decision IN ('confirmed', 'false_positive')";
        long n = await ScalarAsync("SELECT COUNT(*) " + final, args);
        if (n == 0) return new DecisionTimes(0, null, null);
        async Task<double> At(double p)
        {
            long rank = (long)Math.Ceiling(p * n);
            var ms = await db.QueryAsync($"SELECT decided_at - created_at {final} ORDER BY 1 LIMIT 1 OFFSET @k", r => Long(r.GetValue(0)),
                [.. args, ("@k", rank - 1)]);
            return ms[0] / 1000.0;
        }
        return new DecisionTimes(n, await At(0.5), await At(0.9));
    }

    private sealed record KeyCount(long UnixDay, string Key, long Count);

    private Task<List<KeyCount>> CountsAsync(string sql, (string, object?)[] args) =>
        db.QueryAsync(sql, r => new KeyCount(Long(r.GetValue(0)), r.GetString(1), Long(r.GetValue(2))), args);

    private async Task<IReadOnlyList<NamedCount>> NamedAsync(string sql, (string, object?)[] args) =>
        [.. (await db.QueryAsync(sql, r => new NamedCount(r.IsDBNull(0) ? "(none)" : r.GetString(0), Long(r.GetValue(1))), args))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal)];

    private async Task<long> ScalarAsync(string sql, params (string, object?)[] args) => await db.ScalarAsync(sql, args) ?? 0;

    /// <summary>One row per day of the range, zeros included, so a chart's bars line up with the calendar.</summary>
    private static List<DayCounts> PerDay(StatsRange range, List<KeyCount> counts)
    {
        var byDay = counts.ToLookup(c => StatsRange.DayOf(c.UnixDay));
        return [.. range.EachDay().Select(d =>
        {
            var by = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var c in byDay[d]) by[c.Key] = c.Count;
            return new DayCounts(Iso(d), by.Values.Sum(), by);
        })];
    }

    private static long Long(object v) => Convert.ToInt64(v, CultureInfo.InvariantCulture);
    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
