using System.Text;
using Safeguard.Csv;

namespace Safeguard.Payments.Feed;

/// <summary>Receives each good row of a feed. A struct sink keeps the per-row call direct.</summary>
public interface ITransactionSink
{
    void Accept(in TransactionFields transaction, FeedReader reader);
}

/// <summary>Called now and then with how far the reading has got, for a progress bar.</summary>
public interface IFeedProgress
{
    void Report(int fileIndex, long bytesRead, long fileLength, long rows);
}

/// <summary>
/// Reads transaction feeds (CSV with a header, or JSON lines; files or "-" for standard input) in the
/// order given, one row at a time. A bad row is reported as FILE:LINE and skipped; a bad file is reported
/// and the next one read. Rows out of time order are counted and read anyway.
/// </summary>
public sealed partial class FeedReader(FeedOptions options, Action<FeedError> onError)
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private string _file = "";
    private long _line;
    private string? _firstCurrency;
    private long _lastTicks = long.MinValue;
    private CsvSpanReader? _csv;
    private int[] _extraColumns = [];
    private string[] _header = [];
    private Dictionary<string, string>? _jsonExtra;

    public FeedOptions Options => options;
    public long Rows { get; private set; }
    public long FailedRows { get; private set; }
    public long FailedFiles { get; private set; }
    public long OutOfOrderRows { get; private set; }
    public long InvalidUtf8Rows { get; private set; }
    public long ReportedErrors { get; private set; }
    public long FirstTicks { get; private set; } = long.MaxValue;
    public long LastTicks { get; private set; } = long.MinValue;

    /// <summary>The base currency: the rates table's, or the first currency seen.</summary>
    public string? BaseCurrency => options.Rates?.BaseCurrency ?? _firstCurrency;

    /// <summary>The file and line of the row being delivered.</summary>
    public string CurrentFile => _file;
    public long CurrentLine => _line;

    public void Read<TSink>(IReadOnlyList<string> paths, ref TSink sink, IFeedProgress? progress = null) where TSink : ITransactionSink
    {
        for (int i = 0; i < paths.Count; i++)
        {
            var path = paths[i];
            long before = LastTicks;
            long firstOfFile = long.MaxValue;
            try
            {
                using var stream = path == "-" ? Console.OpenStandardInput() : OpenFile(path);
                using var text = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
                var format = options.Format == FeedFormat.Auto ? Sniff(path, text) : options.Format;
                _file = path;
                _firstOfCurrentFile = long.MaxValue;
                var tracker = new ProgressTracker(progress, i, stream);
                long rowsBefore = Rows;
                if (format == FeedFormat.JsonLines) ReadJsonLines(text, ref sink, ref tracker);
                else ReadCsv(text, ref sink, ref tracker);
                tracker.Done(Rows);
                if (Rows > rowsBefore) firstOfFile = _firstOfCurrentFile;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                FailedFiles++;
                Report(new FeedError(path, 0, e.Message));
            }
            if (before != long.MinValue && firstOfFile != long.MaxValue && firstOfFile < before)
                Report(new FeedError(path, 0,
                    $"starts at {new DateTime(firstOfFile, DateTimeKind.Utc):O}, before the previous file ends ({new DateTime(before, DateTimeKind.Utc):O}); give feeds in time order"));
        }
    }

    /// <summary>Reads one feed from a stream (an upload, a pipe); <paramref name="name"/> names it in errors.</summary>
    public void ReadStream<TSink>(Stream stream, string name, FeedFormat format, ref TSink sink) where TSink : ITransactionSink
    {
        try
        {
            using var text = new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
            _file = name;
            _firstOfCurrentFile = long.MaxValue;
            if (format == FeedFormat.Auto) format = Sniff(name, text);
            var tracker = new ProgressTracker(null, 0, stream);
            if (format == FeedFormat.JsonLines) ReadJsonLines(text, ref sink, ref tracker);
            else ReadCsv(text, ref sink, ref tracker);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            FailedFiles++;
            Report(new FeedError(name, 0, e.Message));
        }
    }

    private long _firstOfCurrentFile;

    private static FileStream OpenFile(string path)
    {
        if (Directory.Exists(path)) throw new IOException("is a directory, not a feed");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    private static FeedFormat Sniff(string path, StreamReader text)
    {
        var ext = Path.GetExtension(path);
        if (ext.Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || ext.Equals(".ndjson", StringComparison.OrdinalIgnoreCase) || ext.Equals(".json", StringComparison.OrdinalIgnoreCase))
            return FeedFormat.JsonLines;
        if (ext.Equals(".csv", StringComparison.OrdinalIgnoreCase)) return FeedFormat.Csv;
        int c;
        while ((c = text.Peek()) >= 0 && char.IsWhiteSpace((char)c)) text.Read();
        return c == '{' ? FeedFormat.JsonLines : FeedFormat.Csv;
    }

    /// <summary>The row's columns beyond the standard set, by header name (allocates; for outputs, not the hot path).</summary>
    public Dictionary<string, string>? CurrentExtra()
    {
        if (_jsonExtra is not null) return _jsonExtra.Count == 0 ? null : new Dictionary<string, string>(_jsonExtra, StringComparer.Ordinal);
        if (_csv is null || _extraColumns.Length == 0) return null;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in _extraColumns)
            if (i < _csv.Count) extra[_header[i]] = _csv[i].ToString();
        return extra;
    }

    private void Report(FeedError error)
    {
        if (++ReportedErrors <= options.MaxErrorsReported) onError(error);
        else if (ReportedErrors == options.MaxErrorsReported + 1)
            onError(new FeedError(error.File, 0, $"more than {options.MaxErrorsReported} errors; the rest are only counted"));
    }

    private void RowError(string message)
    {
        FailedRows++;
        Report(new FeedError(_file, _line, message));
    }

    /// <summary>Checks and completes a parsed row, then hands it on. False (with the error reported) for a bad row.</summary>
    private bool Deliver<TSink>(ref TransactionFields t, ref TSink sink) where TSink : ITransactionSink
    {
        if (t.Id.IsEmpty) { RowError("id is empty"); return false; }
        if (t.Sender.IsEmpty) { RowError("sender is empty"); return false; }
        if (t.Receiver.IsEmpty) { RowError("receiver is empty"); return false; }
        if (t.Id.Length > options.MaxIdChars || t.Sender.Length > options.MaxIdChars || t.Receiver.Length > options.MaxIdChars)
        { RowError($"id, sender or receiver longer than {options.MaxIdChars} characters"); return false; }
        if (!(t.Amount > 0)) { RowError(t.Amount < 0 ? $"negative amount {t.Amount}" : "amount is zero"); return false; }
        if (!ConvertCurrency(ref t)) return false;
        if (t.AmountInBase > options.MaxAmount) { RowError($"amount {t.Amount} {t.Currency} is absurd (over {options.MaxAmount:G} {BaseCurrency})"); return false; }
        if (t.Id.Contains('\uFFFD') || t.Sender.Contains('\uFFFD') || t.Receiver.Contains('\uFFFD') || t.Description.Contains('\uFFFD'))
        {
            InvalidUtf8Rows++;
            if (InvalidUtf8Rows <= 3) Report(new FeedError(_file, _line, "invalid UTF-8, replaced by U+FFFD (row kept)"));
        }
        if (t.Ticks < _lastTicks)
        {
            OutOfOrderRows++;
            if (OutOfOrderRows <= 3)
                Report(new FeedError(_file, _line, $"timestamp {new DateTime(t.Ticks, DateTimeKind.Utc):O} is before the row above it (row kept; sort the feed for exact rates)"));
        }
        else _lastTicks = t.Ticks;
        if (t.Ticks < FirstTicks) FirstTicks = t.Ticks;
        if (t.Ticks > LastTicks) LastTicks = t.Ticks;
        if (_firstOfCurrentFile == long.MaxValue) _firstOfCurrentFile = t.Ticks;
        Rows++;
        sink.Accept(in t, this);
        return true;
    }

    private bool ConvertCurrency(ref TransactionFields t)
    {
        if (options.Rates is { } rates)
        {
            if (t.Currency.IsEmpty) { t.AmountInBase = t.Amount; return true; }
            if (!rates.TryGetRate(t.Currency, out var rate)) { RowError($"unknown currency '{Clip(t.Currency)}' (not in the rates table)"); return false; }
            t.AmountInBase = t.Amount * rate;
            return true;
        }
        if (!t.Currency.IsEmpty)
        {
            if (_firstCurrency is null)
            {
                if (t.Currency.Length != 3) { RowError($"currency '{Clip(t.Currency)}' is not a three-letter code"); return false; }
                _firstCurrency = t.Currency.ToString().ToUpperInvariant();
            }
            else if (!t.Currency.Equals(_firstCurrency, StringComparison.OrdinalIgnoreCase))
            {
                RowError($"currency '{Clip(t.Currency)}' differs from {_firstCurrency} and no --rates table was given");
                return false;
            }
        }
        t.AmountInBase = t.Amount;
        return true;
    }

    private static string Clip(ReadOnlySpan<char> s) => s.Length <= 16 ? s.ToString() : s[..16].ToString() + "…";

    /// <summary>Reports progress every so many rows, by the underlying stream's position.</summary>
    private struct ProgressTracker(IFeedProgress? progress, int fileIndex, Stream stream)
    {
        private int _countdown = 1 << 16;
        private readonly long _length = stream.CanSeek ? stream.Length : -1;

        public void Tick(long rows)
        {
            if (progress is null || --_countdown > 0) return;
            _countdown = 1 << 16;
            progress.Report(fileIndex, stream.CanSeek ? stream.Position : -1, _length, rows);
        }

        public readonly void Done(long rows) => progress?.Report(fileIndex, _length, _length, rows);
    }
}
