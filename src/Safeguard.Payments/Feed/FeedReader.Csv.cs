using Safeguard.Csv;

namespace Safeguard.Payments.Feed;

public sealed partial class FeedReader
{
    // Column positions of the standard fields in the current file (-1 when absent).
    private int _id, _timestamp, _sender, _senderCountry, _receiver, _receiverCountry, _receiverType, _amount, _currency, _channel, _mcc, _description;

    private void ReadCsv<TSink>(TextReader text, ref TSink sink, ref ProgressTracker tracker) where TSink : ITransactionSink
    {
        _jsonExtra = null;
        var csv = _csv = new CsvSpanReader(text, options.MaxRecordChars, maxFields: 256);
        if (!csv.TryRead(out var headerError))
            throw new FormatException("is empty (no header row)");
        if (headerError is not null) throw new FormatException($"header row: {headerError}");
        ReadHeader(csv);
        int columns = _header.Length;
        while (csv.TryRead(out var error))
        {
            _line = csv.RecordLine;
            tracker.Tick(Rows);
            if (error is not null) { RowError(error); continue; }
            if (csv.Count == 1 && csv[0].IsEmpty) continue; // blank line
            if (csv.Count != columns) { RowError($"{csv.Count} fields where the header has {columns}"); continue; }
            var t = new TransactionFields
            {
                Id = csv[_id],
                Sender = csv[_sender],
                Receiver = csv[_receiver],
                Currency = _currency >= 0 ? csv[_currency].Trim() : default,
                Description = _description >= 0 ? csv[_description] : default,
            };
            if (!FieldParsers.TryParseTimestamp(csv[_timestamp], out t.Ticks)) { RowError(Bad("timestamp", csv[_timestamp])); continue; }
            if (!FieldParsers.TryParseAmount(csv[_amount], out t.Amount)) { RowError(Bad("amount", csv[_amount])); continue; }
            if (_senderCountry >= 0 && !CountryCode.TryParse(csv[_senderCountry], out t.SenderCountry)) { RowError(Bad("sender_country", csv[_senderCountry])); continue; }
            if (_receiverCountry >= 0 && !CountryCode.TryParse(csv[_receiverCountry], out t.ReceiverCountry)) { RowError(Bad("receiver_country", csv[_receiverCountry])); continue; }
            if (_mcc >= 0 && !FieldParsers.TryParseMcc(csv[_mcc], out t.Mcc)) { RowError(Bad("mcc", csv[_mcc])); continue; }
            if (_receiverType >= 0) t.ReceiverType = FeedNames.ReceiverTypeOf(csv[_receiverType]);
            if (_channel >= 0) t.Channel = FeedNames.ChannelOf(csv[_channel]);
            Deliver(ref t, ref sink);
        }
    }

    internal static string Bad(string column, ReadOnlySpan<char> value) =>
        value.IsEmpty ? $"{column} is empty" : $"{column} '{(value.Length <= 40 ? value.ToString() : value[..40].ToString() + "…")}' is not valid";

    private void ReadHeader(CsvSpanReader csv)
    {
        _header = new string[csv.Count];
        for (int i = 0; i < csv.Count; i++) _header[i] = csv[i].Trim().ToString();
        int Find(string standard, bool required)
        {
            var name = options.Columns.HeaderOf(standard);
            int at = Array.FindIndex(_header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (at < 0 && required)
                throw new FormatException($"header has no '{name}' column{(name == standard ? "" : $" (mapped from {standard})")}; columns: {string.Join(",", _header.Take(20))}");
            return at;
        }
        _id = Find("id", true);
        _timestamp = Find("timestamp", true);
        _sender = Find("sender", true);
        _receiver = Find("receiver", true);
        _amount = Find("amount", true);
        _senderCountry = Find("sender_country", false);
        _receiverCountry = Find("receiver_country", false);
        _receiverType = Find("receiver_type", false);
        _currency = Find("currency", false);
        _channel = Find("channel", false);
        _mcc = Find("mcc", false);
        _description = Find("description", false);
        int[] known = [_id, _timestamp, _sender, _senderCountry, _receiver, _receiverCountry, _receiverType, _amount, _currency, _channel, _mcc, _description];
        _extraColumns = [.. Enumerable.Range(0, _header.Length).Where(i => Array.IndexOf(known, i) < 0)];
    }
}
