using System.Text;

namespace Safeguard.Banks.Formats;

/// <summary>
/// Reads lines with a length cap: a line longer than the cap is skipped without being held in
/// memory, so a 100 MB line costs no more than a short one.
/// </summary>
internal sealed class LineReader(TextReader reader, int maxLength)
{
    private readonly char[] _buffer = new char[16 * 1024];
    private int _pos, _len;
    private readonly StringBuilder _line = new();

    /// <summary>Number of the line last returned (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next line; <paramref name="tooLong"/> is true (and the text empty) when it was over the cap.</summary>
    public bool TryRead(out string line, out bool tooLong)
    {
        _line.Clear();
        tooLong = false;
        bool any = false;
        while (true)
        {
            if (_pos == _len)
            {
                _len = reader.Read(_buffer, 0, _buffer.Length);
                _pos = 0;
                if (_len == 0)
                {
                    line = tooLong ? "" : _line.ToString();
                    if (!any) return false;
                    LineNumber++;
                    return true;
                }
            }
            any = true;
            int start = _pos;
            int nl = Array.IndexOf(_buffer, '\n', _pos, _len - _pos);
            int end = nl < 0 ? _len : nl;
            if (!tooLong)
            {
                if (_line.Length + (end - start) > maxLength) { tooLong = true; _line.Clear(); }
                else _line.Append(_buffer, start, end - start);
            }
            _pos = nl < 0 ? _len : nl + 1;
            if (nl >= 0)
            {
                LineNumber++;
                if (!tooLong && _line.Length > 0 && _line[^1] == '\r') _line.Length--;
                line = tooLong ? "" : _line.ToString();
                return true;
            }
        }
    }
}
