using System.Globalization;
using System.Text;
using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Reports;

/// <summary>The human-readable summary (Markdown) of a report: who, how strong, which indicators, when, where the money went.</summary>
public static class ReportSummaryWriter
{
    public static string Write(ReportCase c, string? reportFile = null)
    {
        var s = c.Subject;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"# Suspicious-transaction report: {Md(s.Subject)}\n\n");
        if (reportFile is not null) sb.Append(inv, $"Report file: `{Md(Path.GetFileName(reportFile))}`\n\n");
        sb.Append(inv, $"- Role: {s.Role}\n");
        sb.Append(inv, $"- Risk level: **{s.Level}** (score {ReportText.Number(s.Score)} of 1)\n");
        var first = s.FirstSeen ?? (c.Transactions.Count > 0 ? c.Transactions[0].Timestamp : null);
        var last = s.LastSeen ?? (c.Transactions.Count > 0 ? c.Transactions[^1].Timestamp : null);
        if (first is { } f && last is { } l)
        {
            var days = Math.Round(Math.Max(0, (l - f).TotalDays));
            sb.Append(inv, $"- Active: {f.UtcDateTime:yyyy-MM-dd HH:mm} to {l.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({days:0} day{(days == 1 ? "" : "s")})\n");
        }
        sb.Append(inv, $"- Transactions in the report: {c.Transactions.Count}");
        if (c.Omitted > 0) sb.Append(inv, $" (capped at {c.Cap}; {c.Omitted} earlier ones with the same counterparties left out)");
        sb.Append('\n');
        if (c.NotFound.Count > 0) sb.Append(inv, $"- Named by indicators but not in the feeds: {c.NotFound.Count} ({Md(string.Join(", ", c.NotFound.Take(10)))}{(c.NotFound.Count > 10 ? ", …" : "")})\n");

        sb.Append("\n## Indicators\n\n");
        foreach (var i in s.Indicators.OrderByDescending(i => i.Strength))
            sb.Append(inv, $"- {Md(ReportText.Describe(i.Name))} ({Md(i.Name)}): {ReportText.Strength(i.Strength)} ({ReportText.Number(i.Strength)}), {i.Transactions.Count} transaction{(i.Transactions.Count == 1 ? "" : "s")}\n");

        sb.Append(inv, $"\n## Counterparties ({s.Counterparties.Count})\n\n");
        foreach (var cp in s.Counterparties.Take(50)) sb.Append(inv, $"- {Md(cp)}\n");
        if (s.Counterparties.Count > 50) sb.Append(inv, $"- … and {s.Counterparties.Count - 50} more\n");

        string cur = c.BaseCurrency.Length > 0 ? c.BaseCurrency : "base currency";
        Totals(sb, $"Totals by country of the other party ({cur})", c, t => OtherCountry(t, s.Subject) is { Length: > 0 } country ? country : "unknown");
        Totals(sb, $"Totals by channel ({cur})", c, t => FeedNames.Of(t.Channel) is { Length: > 0 } ch ? ch : "unknown");
        return sb.ToString();
    }

    private static string OtherCountry(Transaction t, string subject) => t.Sender == subject ? t.ReceiverCountry : t.SenderCountry;

    private static void Totals(StringBuilder sb, string title, ReportCase c, Func<Transaction, string> key)
    {
        var inv = CultureInfo.InvariantCulture;
        string subject = c.Subject.Subject;
        var groups = new SortedDictionary<string, (int Count, decimal Sent, decimal Received)>(StringComparer.Ordinal);
        foreach (var t in c.Transactions)
        {
            var k = key(t);
            groups.TryGetValue(k, out var g);
            decimal amount = t.AmountInBase;
            if (t.Sender == subject) g.Sent += amount; else g.Received += amount;
            groups[k] = (g.Count + 1, g.Sent, g.Received);
        }
        sb.Append(inv, $"\n## {title}\n\n| | transactions | sent | received |\n|---|---:|---:|---:|\n");
        foreach (var (k, g) in groups.OrderByDescending(p => p.Value.Sent + p.Value.Received).ThenBy(p => p.Key, StringComparer.Ordinal))
            sb.Append(inv, $"| {Md(k)} | {g.Count} | {ReportText.Money(g.Sent)} | {ReportText.Money(g.Received)} |\n");
    }

    /// <summary>Feed text in Markdown: cleaned, and the characters that would change the layout escaped.</summary>
    private static string Md(string s)
    {
        var clean = XmlSafeText.Clean(s, 200).Replace('\n', ' ').Replace('\r', ' ');
        var sb = new StringBuilder(clean.Length);
        foreach (var ch in clean)
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '<' or '>' or '#') sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
