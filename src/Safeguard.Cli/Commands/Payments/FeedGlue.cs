using System.Globalization;
using Safeguard.Csv;
using Safeguard.Payments.Feed;

namespace Safeguard.Cli.Commands.Payments;

/// <summary>
/// The one place the report reads feeds. Stopgap until the scanner's feed reader is on main:
/// CSV with the standard column set, amounts taken as already in the base currency.
/// </summary>
internal static class FeedGlue
{
    public static IEnumerable<Transaction> Read(string path, TextWriter errors)
    {
        using var text = new StreamReader(path, new System.Text.UTF8Encoding(false, false), true);
        var csv = new CsvRecordReader(text, 16 * 1024 * 1024);
        var fields = new List<string>();
        if (!csv.TryRead(fields, out _)) yield break;
        var col = fields.Select((name, i) => (name, i)).ToDictionary(p => p.name.Trim(), p => p.i, StringComparer.Ordinal);
        foreach (var required in FeedNames.Columns)
            if (!col.ContainsKey(required)) throw new FormatException($"{path}:1: no '{required}' column");
        string F(string name) => col[name] < fields.Count ? fields[col[name]] : "";
        while (csv.TryRead(fields, out var error))
        {
            if (error is null
                && DateTimeOffset.TryParse(F("timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
                && decimal.TryParse(F("amount"), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
            {
                yield return new Transaction
                {
                    Id = F("id"), Timestamp = when.ToUniversalTime(), Sender = F("sender"), SenderCountry = F("sender_country"), Receiver = F("receiver"),
                    ReceiverCountry = F("receiver_country"), ReceiverType = FeedNames.ReceiverTypeOf(F("receiver_type")), Amount = amount,
                    Currency = F("currency"), Channel = FeedNames.ChannelOf(F("channel")),
                    Mcc = int.TryParse(F("mcc"), CultureInfo.InvariantCulture, out var mcc) ? mcc : 0, Description = F("description"), AmountInBase = amount,
                };
            }
            else errors.WriteLine($"safeguard: {path}:{csv.RecordLine}: {error ?? "bad timestamp or amount"}; row skipped");
        }
    }
}
