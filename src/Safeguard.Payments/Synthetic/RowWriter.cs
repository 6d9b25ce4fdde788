using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Safeguard.Csv;
using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Synthetic;

/// <summary>Formats generated transactions as CSV rows or JSON lines into a char buffer, without allocating per row.</summary>
internal sealed class RowWriter
{
    private readonly TextWriter _out;
    private readonly FeedFormat _format;
    private readonly char[] _buf = new char[1 << 16];
    private int _len;
    private readonly string[] _ids, _countries, _types;
    private readonly byte[] _currency;
    private readonly string[] _descriptions;
    private readonly char[] _date = new char[11];

    public RowWriter(TextWriter output, FeedFormat format, List<AccountInfo> accounts)
    {
        _out = output;
        _format = format;
        _ids = new string[accounts.Count];
        _countries = new string[accounts.Count];
        _types = new string[accounts.Count];
        _currency = new byte[accounts.Count];
        for (int i = 0; i < accounts.Count; i++)
        {
            _ids[i] = accounts[i].Id;
            _countries[i] = accounts[i].Country;
            _types[i] = FeedNames.Of(accounts[i].Type);
            _currency[i] = accounts[i].Currency;
        }
        var encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        _descriptions = new string[Descriptions.All.Count];
        for (int i = 0; i < _descriptions.Length; i++)
            _descriptions[i] = format == FeedFormat.Csv
                ? CsvField.Escape(Descriptions.All[i])
                : "\"" + JsonEncodedText.Encode(Descriptions.All[i], encoder).ToString() + "\"";
    }

    public void WriteHeader()
    {
        if (_format == FeedFormat.Csv) Append(string.Join(',', FeedNames.Columns) + "\n");
    }

    public void SetDate(DateOnly date) => date.TryFormat(_date, out _, "yyyy-MM-dd'T'", CultureInfo.InvariantCulture);

    public void Write(long id, in FeedEvent e)
    {
        if (_buf.Length - _len < 1024) Flush();
        int cur = _currency[e.Sender];
        long cents = cur == 0 ? e.UsdCents : Math.Max(1, (long)Math.Round(e.UsdCents / (double)FeedCurrencies.RateToBase[cur]));
        bool csv = _format == FeedFormat.Csv;
        if (!csv) Append("{\"id\":\"");
        Append('t');
        AppendId(id);
        Append(csv ? "," : "\",\"timestamp\":\"");
        AppendTime(e.Second);
        Append(csv ? "," : "\",\"sender\":\"");
        Append(_ids[e.Sender]);
        Append(csv ? "," : "\",\"sender_country\":\"");
        Append(_countries[e.Sender]);
        Append(csv ? "," : "\",\"receiver\":\"");
        Append(_ids[e.Receiver]);
        Append(csv ? "," : "\",\"receiver_country\":\"");
        Append(_countries[e.Receiver]);
        Append(csv ? "," : "\",\"receiver_type\":\"");
        Append(_types[e.Receiver]);
        Append(csv ? "," : "\",\"amount\":");
        AppendAmount(cents);
        Append(csv ? "," : ",\"currency\":\"");
        Append(FeedCurrencies.Codes[cur]);
        Append(csv ? "," : "\",\"channel\":\"");
        Append(FeedNames.Of(e.Channel));
        Append(csv ? "," : "\",\"mcc\":");
        if (e.Mcc > 0) AppendNumber(e.Mcc);
        else if (!csv) Append("null");
        Append(csv ? "," : ",\"description\":");
        Append(_descriptions[e.Description]);
        Append(csv ? "\n" : "}\n");
    }

    public void Flush()
    {
        if (_len > 0) _out.Write(_buf, 0, _len);
        _len = 0;
    }

    private void Append(char c) => _buf[_len++] = c;

    private void Append(string s)
    {
        if (_buf.Length - _len < s.Length) Flush();
        if (s.Length > _buf.Length) { _out.Write(s); return; }
        s.CopyTo(0, _buf, _len, s.Length);
        _len += s.Length;
    }

    private void AppendNumber(long n)
    {
        n.TryFormat(_buf.AsSpan(_len), out int w, default, CultureInfo.InvariantCulture);
        _len += w;
    }

    private void AppendId(long n)
    {
        n.TryFormat(_buf.AsSpan(_len), out int w, "D10", CultureInfo.InvariantCulture);
        _len += w;
    }

    private void AppendAmount(long cents)
    {
        AppendNumber(cents / 100);
        Append('.');
        int c = (int)(cents % 100);
        Append((char)('0' + c / 10));
        Append((char)('0' + c % 10));
    }

    private void AppendTime(int second)
    {
        _date.CopyTo(_buf, _len);
        _len += _date.Length;
        Two(second / 3600);
        Append(':');
        Two(second / 60 % 60);
        Append(':');
        Two(second % 60);
        Append('Z');
    }

    private void Two(int v)
    {
        Append((char)('0' + v / 10));
        Append((char)('0' + v % 10));
    }
}
