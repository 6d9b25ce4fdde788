namespace Safeguard.Csv;

/// <summary>
/// The fast path of <see cref="CsvRecordReader"/> for multi-gigabyte feeds: the same RFC 4180 records and
/// caps, but fields come back as spans over the reader's buffer (valid until the next read) instead of
/// strings, so a row that the caller skips costs no allocation. Quoted fields are unescaped into a
/// scratch buffer. Records that break the caps are skipped to their line end with an error, as there.
/// </summary>
public sealed class CsvSpanReader
{
    private readonly TextReader _reader;
    private readonly int _maxRecordChars;
    private readonly int _maxFields;
    private char[] _buffer;
    private int _pos, _len;
    private bool _eof;
    private long _line = 1;
    private int[] _starts = new int[32];
    private int[] _lengths = new int[32];
    private bool[] _inScratch = new bool[32];
    private char[] _scratch = new char[256];
    private int _scratchLen;

    public CsvSpanReader(TextReader reader, int maxRecordChars, int maxFields = 1000, int bufferChars = 1 << 20)
    {
        _reader = reader;
        _maxRecordChars = maxRecordChars;
        _maxFields = maxFields;
        _buffer = new char[Math.Max(bufferChars, 4096)];
    }

    /// <summary>Line on which the record last returned starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Number of fields in the record last returned (0 for a skipped one).</summary>
    public int Count { get; private set; }

    /// <summary>Field <paramref name="i"/> of the record last returned; valid until the next <see cref="TryRead"/>.</summary>
    public ReadOnlySpan<char> this[int i] => _inScratch[i]
        ? _scratch.AsSpan(_starts[i], _lengths[i])
        : _buffer.AsSpan(_starts[i], _lengths[i]);

    /// <summary>Reads one record. Returns false at the end; <paramref name="error"/> is set for a skipped record.</summary>
    public bool TryRead(out string? error)
    {
        error = null;
        Count = 0;
        _scratchLen = 0;
        if (_pos >= _len && !Refill(keepFrom: _len)) return false;
        RecordLine = _line;
        int recordStart = _pos;
        while (true)
        {
            // Fast path: find the line end in what is buffered; a record without quotes is just split on commas.
            var rest = _buffer.AsSpan(_pos, _len - _pos);
            int nl = rest.IndexOfAny('\n', '"');
            if (nl >= 0 && rest[nl] == '\n')
            {
                int end = _pos + nl;
                if (end - recordStart >= _maxRecordChars) // the line end counts, as in CsvRecordReader
                {
                    _pos = end + 1;
                    _line++;
                    error = $"record longer than {_maxRecordChars} characters, skipped";
                    return true;
                }
                _pos = end + 1;
                _line++;
                int stop = end > recordStart && _buffer[end - 1] == '\r' ? end - 1 : end;
                if (!Split(recordStart, stop, ref error)) Count = 0;
                return true;
            }
            if (nl >= 0)
                return ReadQuoted(recordStart, out error);
            // No line end buffered: keep the partial record and read more, unless it is already too long.
            if (_len - recordStart > _maxRecordChars)
            {
                error = $"record longer than {_maxRecordChars} characters, skipped";
                SkipToLineEnd();
                return true;
            }
            int searched = _len - recordStart;
            if (!Refill(keepFrom: recordStart))
            {
                // The last record, without a line end: it is all that is left in the buffer.
                if (_len > _maxRecordChars)
                {
                    _pos = _len;
                    error = $"record longer than {_maxRecordChars} characters, skipped";
                    return true;
                }
                _pos = _len;
                if (!Split(0, _len, ref error)) Count = 0;
                return true;
            }
            recordStart = 0;
            _pos = searched;
        }
    }

    private bool Split(int start, int stop, ref string? error)
    {
        int field = 0, fieldStart = start;
        var span = _buffer.AsSpan(start, stop - start);
        while (true)
        {
            int comma = span.IndexOf(',');
            if (!AddField(field++, fieldStart, comma < 0 ? span.Length : comma, inScratch: false, ref error)) return false;
            if (comma < 0) break;
            fieldStart += comma + 1;
            span = span[(comma + 1)..];
        }
        Count = field;
        return true;
    }

    private bool AddField(int index, int start, int length, bool inScratch, ref string? error)
    {
        if (index >= _maxFields)
        {
            error = $"more than {_maxFields} fields, skipped";
            return false;
        }
        if (index >= _starts.Length)
        {
            Array.Resize(ref _starts, _starts.Length * 2);
            Array.Resize(ref _lengths, _lengths.Length * 2);
            Array.Resize(ref _inScratch, _inScratch.Length * 2);
        }
        _starts[index] = start;
        _lengths[index] = length;
        _inScratch[index] = inScratch;
        return true;
    }

    /// <summary>The slow path for a record holding a quote: character by character into the scratch buffer.</summary>
    private bool ReadQuoted(int recordStart, out string? error)
    {
        error = null;
        _pos = recordStart;
        _scratchLen = 0;
        int field = 0, fieldStart = 0, total = 0;
        bool quoted = false, wasQuoted = false, skipping = false;
        while (true)
        {
            if (_pos >= _len && !Refill(keepFrom: _len))
            {
                if (quoted) error ??= "unterminated quoted field at end of input";
                if (!skipping && AddField(field++, fieldStart, _scratchLen - fieldStart, true, ref error)) Count = field;
                return true;
            }
            char c = _buffer[_pos++];
            if (skipping)
            {
                if (c == '\n') { _line++; Count = 0; return true; }
                continue;
            }
            if (++total > _maxRecordChars)
            {
                error = $"record longer than {_maxRecordChars} characters, skipped";
                if (c == '\n') { _line++; return true; }
                skipping = true;
                continue;
            }
            if (quoted)
            {
                if (c == '"')
                {
                    if ((_pos < _len || Refill(keepFrom: _len)) && _buffer[_pos] == '"') { Append('"'); _pos++; total++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') _line++;
                    Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when _scratchLen == fieldStart && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    if (!AddField(field++, fieldStart, _scratchLen - fieldStart, true, ref error)) { skipping = true; Count = 0; break; }
                    fieldStart = _scratchLen;
                    wasQuoted = false;
                    break;
                case '\n':
                    _line++;
                    if (_scratchLen > fieldStart && _scratch[_scratchLen - 1] == '\r' && !wasQuoted) _scratchLen--;
                    if (AddField(field++, fieldStart, _scratchLen - fieldStart, true, ref error)) Count = field;
                    return true;
                case '\r' when wasQuoted:
                    break; // the CR of a CRLF after a closing quote
                default:
                    Append(c);
                    break;
            }
        }
    }

    private void Append(char c)
    {
        if (_scratchLen == _scratch.Length) Array.Resize(ref _scratch, _scratch.Length * 2);
        _scratch[_scratchLen++] = c;
    }

    private void SkipToLineEnd()
    {
        while (true)
        {
            int nl = Array.IndexOf(_buffer, '\n', _pos, _len - _pos);
            if (nl >= 0) { _pos = nl + 1; _line++; return; }
            _pos = _len;
            if (!Refill(keepFrom: _len)) return;
        }
    }

    /// <summary>Moves the unread tail (from <paramref name="keepFrom"/>) to the front and reads more; false when nothing more came.</summary>
    private bool Refill(int keepFrom)
    {
        int kept = _len - keepFrom;
        if (kept > 0 && keepFrom > 0) Array.Copy(_buffer, keepFrom, _buffer, 0, kept);
        _len = kept;
        _pos = 0;
        if (_eof) return false;
        if (_len == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int read = _reader.ReadBlock(_buffer, _len, _buffer.Length - _len);
        if (read == 0) { _eof = true; return false; }
        _len += read;
        return true;
    }
}
