using System.Globalization;
using System.Text;

namespace Safeguard.Server.Statistics;

/// <summary>
/// <c>GET /v1/stats.csv</c>: the report in long form, one number a row (<c>metric,day,name,value</c>),
/// so a spreadsheet can pivot it however a yearly report needs.
/// </summary>
public static class StatsCsv
{
    public static string Write(StatsReport s)
    {
        var sb = new StringBuilder("metric,day,name,value\n");
        void Row(string metric, string day, string name, string value) =>
            sb.Append(metric).Append(',').Append(day).Append(',').Append(Field(name)).Append(',').Append(value).Append('\n');
        void Count(string metric, string day, string name, long value) => Row(metric, day, name, value.ToString(CultureInfo.InvariantCulture));

        var t = s.Totals;
        foreach (var (name, value) in new (string, long)[] { ("items", t.Items), ("matched_items", t.MatchedItems), ("confirmed", t.Confirmed),
                     ("false_positive", t.FalsePositive), ("escalated", t.Escalated), ("clear_views", t.ClearViews), ("blurred_views", t.BlurredViews),
                     ("awaiting_review_now", t.AwaitingReviewNow) })
            Count("total", "", name, value);
        foreach (var d in s.ItemsPerDay) foreach (var (kind, n) in d.By) Count("items", d.Day, kind, n);
        foreach (var d in s.DecisionsPerDay) foreach (var (decision, n) in d.By) Count("decisions", d.Day, decision, n);
        foreach (var b in s.MatchesByBank) Count("matches_by_bank", "", b.Name, b.Count);
        foreach (var c in s.ConfirmedByCategory) Count("confirmed_by_category", "", c.Name, c.Count);
        Count("time_to_decision", "", "decided", s.TimeToDecision.Decided);
        if (s.TimeToDecision.MedianSeconds is { } median) Row("time_to_decision", "", "median_seconds", median.ToString("0.###", CultureInfo.InvariantCulture));
        if (s.TimeToDecision.P90Seconds is { } p90) Row("time_to_decision", "", "p90_seconds", p90.ToString("0.###", CultureInfo.InvariantCulture));
        foreach (var e in s.Exposure)
        {
            Count("clear_views", "", e.Reviewer, e.ClearViews);
            Count("blurred_views", "", e.Reviewer, e.BlurredViews);
        }
        return sb.ToString();
    }

    /// <summary>Quoted when needed; a leading = + - @ is defused so a spreadsheet never runs a key's name as a formula.</summary>
    private static string Field(string s)
    {
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r') s = "'" + s;
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
