using System.Text;

namespace Safeguard.Csv;

/// <summary>
/// The project's one CSV reader (its writer is <see cref="CsvField"/>): RFC 4180 records (quoted
/// fields may hold commas, quotes and newlines) with caps on field
/// length, field count and record length; an over-long record is skipped to its line end.
/// </summary>
public sealed class CsvRecordReader(TextReader reader, int maxRecordChars, int maxFields = 1000)
{
    private readonly char[] _buffer = new char[16 * 1024];
    private int _pos, _len;
    private long _line = 1;
    private bool _eof;

    /// <summary>Line on which the record last returned starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Reads one record. Returns false at the end; <paramref name="error"/> is set for a skipped record.</summary>
    public bool TryRead(List<string> fields, out string? error)
    {
        fields.Clear();
        error = null;
        if (!Fill()) return false;
        RecordLine = _line;
        var field = new StringBuilder();
        int total = 0;
        bool quoted = false, wasQuoted = false;
        while (true)
        {
            if (!Fill())
            {
                if (quoted) error = "unterminated quoted field at end of input";
                fields.Add(field.ToString());
                return true;
            }
            char c = _buffer[_pos++];
            if (++total > maxRecordChars)
            {
                error = $"record longer than {maxRecordChars} characters, skipped";
                if (c == '\n') _line++; else SkipToLineEnd();
                fields.Clear();
                return true;
            }
            if (quoted)
            {
                if (c == '"')
                {
                    if (Fill() && _buffer[_pos] == '"') { field.Append('"'); _pos++; total++; }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') _line++;
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    if (fields.Count >= maxFields)
                    {
                        error = $"more than {maxFields} fields, skipped";
                        SkipToLineEnd();
                        fields.Clear();
                        return true;
                    }
                    break;
                case '\n':
                    _line++;
                    if (field.Length > 0 && field[^1] == '\r' && !wasQuoted) field.Length--;
                    fields.Add(field.ToString());
                    return true;
                case '\r' when wasQuoted:
                    break; // the CR of a CRLF after a closing quote
                default:
                    field.Append(c);
                    break;
            }
        }
    }

    private void SkipToLineEnd()
    {
        while (Fill())
        {
            int nl = Array.IndexOf(_buffer, '\n', _pos, _len - _pos);
            if (nl >= 0) { _pos = nl + 1; _line++; return; }
            _pos = _len;
        }
    }

    private bool Fill()
    {
        if (_pos < _len) return true;
        if (_eof) return false;
        _len = reader.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (_len == 0) { _eof = true; return false; }
        return true;
    }
}
