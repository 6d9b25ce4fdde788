using System.Globalization;
using Safeguard.Csv;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;

namespace Safeguard.Cli.Bench;

/// <summary>
/// The straightforward way to read a feed, as a baseline for the benchmark: strings for every field
/// (<see cref="CsvRecordReader"/>), the framework's date and decimal parsers, a record per row.
/// </summary>
internal static class NaivePaymentsReader
{
    public static long Run(string path, PaymentsAnalyzer analyzer)
    {
        using var reader = new StreamReader(path);
        var csv = new CsvRecordReader(reader, 64 * 1024);
        var fields = new List<string>();
        if (!csv.TryRead(fields, out _)) return 0;
        var header = fields.ToArray();
        int Col(string name) => Array.IndexOf(header, name);
        int id = Col("id"), ts = Col("timestamp"), sender = Col("sender"), sc = Col("sender_country"), receiver = Col("receiver"), rc = Col("receiver_country"),
            rt = Col("receiver_type"), amount = Col("amount"), currency = Col("currency"), channel = Col("channel"), mcc = Col("mcc"), description = Col("description");
        long rows = 0;
        while (csv.TryRead(fields, out var error))
        {
            if (error is not null || fields.Count != header.Length) continue;
            var t = new Transaction
            {
                Id = fields[id],
                Timestamp = DateTimeOffset.Parse(fields[ts], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Sender = fields[sender],
                SenderCountry = fields[sc],
                Receiver = fields[receiver],
                ReceiverCountry = fields[rc],
                ReceiverType = FeedNames.ReceiverTypeOf(fields[rt]),
                Amount = decimal.Parse(fields[amount], CultureInfo.InvariantCulture),
                Currency = fields[currency],
                Channel = FeedNames.ChannelOf(fields[channel]),
                Mcc = fields[mcc].Length == 0 ? 0 : int.Parse(fields[mcc], CultureInfo.InvariantCulture),
                Description = fields[description],
            };
            analyzer.Observe(TransactionFields.From(t));
            rows++;
        }
        return rows;
    }
}
