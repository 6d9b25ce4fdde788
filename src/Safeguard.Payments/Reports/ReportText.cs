using System.Globalization;

namespace Safeguard.Payments.Reports;

/// <summary>Plain words for a report's reader: indicator names, strengths, roles.</summary>
public static class ReportText
{
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        ["small-cross-border"] = "small cross-border transfers to private persons in high-risk countries",
        ["frequency"] = "frequent transfers",
        ["escalation"] = "amounts or frequency rising over time",
        ["many-recipients"] = "several distinct recipients in high-risk countries",
        ["night-timing"] = "transfers clustered in the evening or at night",
        ["innocuous-description"] = "innocent-looking or coded descriptions",
        ["capture-software"] = "purchases of video-capture or privacy software",
        ["travel"] = "travel to the same country with long stays, cash withdrawals or gifts",
        ["crypto-then-transfer"] = "crypto purchases followed by transfers",
        ["shared-recipient"] = "recipient shared by several unrelated senders",
        ["facilitator-network"] = "pays a recipient that several unrelated senders pay",
        ["known-facilitator"] = "pays a known facilitator",
        ["many-foreign-senders"] = "receives from many unrelated foreign senders",
    };

    /// <summary>What the indicator means, for a known name; the name in words otherwise.</summary>
    public static string Describe(string indicator) =>
        Descriptions.TryGetValue(indicator, out var d) ? d : indicator.Replace('-', ' ').Replace('_', ' ');

    public static string Strength(double s) => s switch
    {
        >= 0.8 => "very strong",
        >= 0.6 => "strong",
        >= 0.4 => "moderate",
        >= 0.2 => "weak",
        _ => "very weak",
    };

    public static string Number(double d) => d.ToString("0.00", CultureInfo.InvariantCulture);
    public static string Money(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The report's reason: who, how strong, which indicators, how many transactions.</summary>
    public static string Reason(ReportCase c)
    {
        var s = c.Subject;
        var sb = new System.Text.StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Account {s.Subject} shows the payment pattern of a {(s.Role == "facilitator" ? "facilitator (receiver)" : "purchaser (payer)")} ");
        sb.Append(CultureInfo.InvariantCulture, $"of live-streamed child sexual abuse: risk level {s.Level}, score {Number(s.Score)} of 1. Indicators: ");
        sb.AppendJoin("; ", s.Indicators.OrderByDescending(i => i.Strength).Select(i =>
            $"{Describe(i.Name)} ({Strength(i.Strength)}, {Number(i.Strength)}; {i.Transactions.Count} transaction{(i.Transactions.Count == 1 ? "" : "s")})"));
        sb.Append(CultureInfo.InvariantCulture, $". Counterparties: {s.Counterparties.Count}. ");
        sb.Append(CultureInfo.InvariantCulture, $"This report lists {c.Transactions.Count} transaction{(c.Transactions.Count == 1 ? "" : "s")}");
        if (c.Omitted > 0) sb.Append(CultureInfo.InvariantCulture, $" (capped at {c.Cap}: {c.Omitted} earlier transactions with the same counterparties are not listed)");
        if (c.NotFound.Count > 0) sb.Append(CultureInfo.InvariantCulture, $"; {c.NotFound.Count} transactions named by the indicators were not in the feeds");
        sb.Append(". Found by automated transaction monitoring against published AUSTRAC and FINTRAC indicators.");
        return sb.ToString();
    }
}
