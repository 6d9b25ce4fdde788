using System.Text;
using Safeguard.Signals;

namespace Safeguard.Banks.Formats;

public enum BankFormat { Plain, Csv, Vics }

/// <summary>Choosing, detecting, reading and writing the exchange formats.</summary>
public static class BankFormats
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static BankFormat Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "plain" or "txt" or "text" => BankFormat.Plain,
        "csv" or "hma" => BankFormat.Csv,
        "vics" or "json" or "projectvic" => BankFormat.Vics,
        _ => throw new BankException($"unknown format '{name}' (use plain, csv or vics)"),
    };

    /// <summary>
    /// Guesses from the file extension, else from the first bytes: '{' is VICS, a comma on the
    /// first data line CSV (unless the line is "TYPE VALUE" with commas only in the value).
    /// </summary>
    public static BankFormat Detect(string? fileName, ReadOnlySpan<byte> head)
    {
        var ext = fileName is null ? "" : Path.GetExtension(fileName).ToLowerInvariant();
        switch (ext)
        {
            case ".json": return BankFormat.Vics;
            case ".csv": return BankFormat.Csv;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        var text = Encoding.UTF8.GetString(head);
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{')) return BankFormat.Vics;
        foreach (var line in trimmed.Split('\n'))
        {
            var l = line.Trim();
            if (l.Length == 0 || l.StartsWith('#')) continue;
            return l.Contains(',') && !IsTypedPlainLine(l) ? BankFormat.Csv : BankFormat.Plain;
        }
        return BankFormat.Plain;
    }

    // "vpdq h,100,0;..." or "tmk 0.1,0.2,...": a plain "TYPE VALUE" line whose value holds commas.
    private static bool IsTypedPlainLine(string line)
    {
        int space = line.AsSpan().IndexOfAny(' ', '\t');
        return space > 0 && space < line.IndexOf(',', StringComparison.Ordinal) && SignalTypes.TryGet(line[..space], out _);
    }

    /// <summary>Reads entries lazily; the stream is read as the result is enumerated.</summary>
    public static IEnumerable<EntryRecord> Read(BankFormat format, Stream input, ReadOptions options) => format switch
    {
        BankFormat.Vics => VicsFormat.Read(input, options),
        BankFormat.Csv => ReadText(input, r => CsvFormat.Read(r, options)),
        _ => ReadText(input, r => PlainListFormat.Read(r, options)),
    };

    private static IEnumerable<EntryRecord> ReadText(Stream input, Func<TextReader, IEnumerable<EntryRecord>> read)
    {
        using var reader = new StreamReader(input, Utf8NoBom, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        foreach (var r in read(reader)) yield return r;
    }

    public static void Write(BankFormat format, Stream output, IEnumerable<EntryRecord> records)
    {
        switch (format)
        {
            case BankFormat.Vics:
                VicsWriter.WriteEntries(output, records);
                break;
            default:
                using (var writer = new StreamWriter(output, Utf8NoBom, 64 * 1024, leaveOpen: true))
                {
                    if (format == BankFormat.Csv) CsvFormat.Write(writer, records);
                    else PlainListFormat.Write(writer, records);
                }
                break;
        }
        output.Flush();
    }

    /// <summary>A stream that replays bytes already read (for sniffing stdin) before the rest.</summary>
    public static Stream WithHead(byte[] head, int count, Stream rest) => new PrefixedStream(head, count, rest);

    private sealed class PrefixedStream(byte[] head, int count, Stream rest) : Stream
    {
        private int _pos;
        public override int Read(byte[] buffer, int offset, int n)
        {
            if (_pos < count)
            {
                int k = Math.Min(n, count - _pos);
                Buffer.BlockCopy(head, _pos, buffer, offset, k);
                _pos += k;
                return k;
            }
            return rest.Read(buffer, offset, n);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int n) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }
}
