using System.Globalization;
using System.Text;
using Safeguard.Csv;
using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Reports;

/// <summary>The report's transactions as CSV for analysts, one row each, every field through <see cref="CsvField"/>.</summary>
public static class CsvReportWriter
{
    public static readonly string[] Columns =
        ["id", "timestamp", "from", "to", "from_country", "to_country", "amount", "currency", "amount_in_base", "channel", "description", "indicators"];

    /// <summary>Descriptions are cut to this many characters (the feed allows far more).</summary>
    public const int MaxDescription = 4000;

    public static byte[] Write(ReportCase c)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', Columns).Append('\n');
        var fields = new string[Columns.Length];
        foreach (var t in c.Transactions)
        {
            fields[0] = t.Id;
            fields[1] = t.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            fields[2] = t.Sender;
            fields[3] = t.Receiver;
            fields[4] = t.SenderCountry;
            fields[5] = t.ReceiverCountry;
            fields[6] = t.Amount.ToString(CultureInfo.InvariantCulture);
            fields[7] = t.Currency;
            fields[8] = t.AmountInBase.ToString(CultureInfo.InvariantCulture);
            fields[9] = FeedNames.Of(t.Channel);
            fields[10] = XmlSafeText.Clean(t.Description, MaxDescription);
            fields[11] = c.IndicatorsOf.TryGetValue(t.Id, out var names) ? string.Join(';', names) : "";
            for (int i = 0; i < fields.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(CsvField.Escape(fields[i]));
            }
            sb.Append('\n');
        }
        return new UTF8Encoding(false).GetBytes(sb.ToString());
    }
}
