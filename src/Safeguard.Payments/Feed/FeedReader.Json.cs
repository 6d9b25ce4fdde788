using System.Globalization;
using System.Text.Json;

namespace Safeguard.Payments.Feed;

public sealed partial class FeedReader
{
    private void ReadJsonLines<TSink>(TextReader text, ref TSink sink, ref ProgressTracker tracker) where TSink : ITransactionSink
    {
        _csv = null;
        var lines = new CappedLineReader(text, options.MaxRecordChars);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var extra = _jsonExtra = new Dictionary<string, string>(StringComparer.Ordinal);
        while (lines.TryRead(out var line, out var tooLong))
        {
            _line = lines.LineNumber;
            tracker.Tick(Rows);
            if (tooLong) { RowError($"line longer than {options.MaxRecordChars} characters, skipped"); continue; }
            if (string.IsNullOrWhiteSpace(line)) continue;
            values.Clear();
            extra.Clear();
            if (!TryReadObject(line, values, extra, out var jsonError)) { RowError(jsonError!); continue; }
            string Get(string standard) => values.GetValueOrDefault(options.Columns.HeaderOf(standard), "");
            var t = new TransactionFields
            {
                Id = Get("id"),
                Sender = Get("sender"),
                Receiver = Get("receiver"),
                Currency = Get("currency").AsSpan().Trim(),
                Description = Get("description"),
                ReceiverType = FeedNames.ReceiverTypeOf(Get("receiver_type")),
                Channel = FeedNames.ChannelOf(Get("channel")),
            };
            var ts = Get("timestamp");
            if (!FieldParsers.TryParseTimestamp(ts, out t.Ticks)) { RowError(Bad("timestamp", ts)); continue; }
            var amount = Get("amount");
            if (!FieldParsers.TryParseAmount(amount, out t.Amount)) { RowError(Bad("amount", amount)); continue; }
            if (!CountryCode.TryParse(Get("sender_country"), out t.SenderCountry)) { RowError(Bad("sender_country", Get("sender_country"))); continue; }
            if (!CountryCode.TryParse(Get("receiver_country"), out t.ReceiverCountry)) { RowError(Bad("receiver_country", Get("receiver_country"))); continue; }
            if (!FieldParsers.TryParseMcc(Get("mcc"), out t.Mcc)) { RowError(Bad("mcc", Get("mcc"))); continue; }
            Deliver(ref t, ref sink);
        }
    }

    /// <summary>One flat JSON object: strings, numbers, booleans and nulls become text; nested values are refused.</summary>
    private bool TryReadObject(string line, Dictionary<string, string> values, Dictionary<string, string> extra, out string? error)
    {
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 4 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) { error = "not a JSON object"; return false; }
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string value = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => "",
                    _ => "\0",
                };
                if (value == "\0") { error = $"field '{p.Name}' is not a plain value"; return false; }
                values[p.Name] = value;
                if (!IsMappedStandard(p.Name)) extra[p.Name] = value;
            }
            return true;
        }
        catch (JsonException e)
        {
            error = $"invalid JSON: {e.Message.Split('.')[0].ToString(CultureInfo.InvariantCulture)}";
            return false;
        }
    }

    private bool IsMappedStandard(string name)
    {
        foreach (var c in FeedNames.Columns)
            if (options.Columns.HeaderOf(c) == name) return true;
        return false;
    }

    /// <summary>Lines of at most a given length; a longer one is skipped whole, never held.</summary>
    private sealed class CappedLineReader(TextReader reader, int maxChars)
    {
        private readonly char[] _buffer = new char[64 * 1024];
        private readonly System.Text.StringBuilder _line = new();
        private int _pos, _len;
        private bool _eof;

        public long LineNumber { get; private set; }

        public bool TryRead(out string line, out bool tooLong)
        {
            _line.Clear();
            tooLong = false;
            line = "";
            bool any = false;
            while (true)
            {
                if (_pos >= _len)
                {
                    if (_eof) break;
                    _len = reader.ReadBlock(_buffer, 0, _buffer.Length);
                    _pos = 0;
                    if (_len == 0) { _eof = true; break; }
                }
                any = true;
                var rest = _buffer.AsSpan(_pos, _len - _pos);
                int nl = rest.IndexOf('\n');
                var piece = nl >= 0 ? rest[..nl] : rest;
                if (!tooLong && _line.Length + piece.Length <= maxChars) _line.Append(piece);
                else { tooLong = true; _line.Clear(); }
                _pos += nl >= 0 ? nl + 1 : rest.Length;
                if (nl >= 0) break;
            }
            if (!any) return false;
            LineNumber++;
            if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
            line = _line.ToString();
            return true;
        }
    }
}
