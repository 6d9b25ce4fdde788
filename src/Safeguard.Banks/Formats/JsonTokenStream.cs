using System.Text;
using System.Text.Json;

namespace Safeguard.Banks.Formats;

/// <summary>
/// Pull-style JSON tokens from a stream through <see cref="Utf8JsonReader"/>, holding only a
/// buffer (grown up to a cap for one large token), never the whole document. Tracks line numbers.
/// </summary>
internal sealed class JsonTokenStream
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 };

    private readonly Stream _stream;
    private readonly string _source;
    private readonly int _maxBuffer;
    private byte[] _buf = new byte[64 * 1024];
    private int _start, _end, _countedTo;
    private bool _final, _started;
    private JsonReaderState _state = new(Options);
    private long _line = 1;

    public JsonTokenStream(Stream stream, string source, int maxTokenBytes)
    {
        _stream = stream;
        _source = source;
        _maxBuffer = Math.Max(_buf.Length, maxTokenBytes + 1024);
    }

    public JsonTokenType TokenType { get; private set; }
    /// <summary>Text of a property name, string or number token.</summary>
    public string? Text { get; private set; }
    /// <summary>Line on which the current token starts.</summary>
    public long Line { get; private set; }
    public int Depth { get; private set; }

    public bool Read()
    {
        while (true)
        {
            if (!_started) { _started = true; Refill(); }
            var reader = new Utf8JsonReader(_buf.AsSpan(_start, _end - _start), _final, _state);
            bool got;
            try
            {
                got = reader.Read();
            }
            catch (JsonException ex)
            {
                throw new BankFormatException(_source, ex.LineNumber is long l ? l + 1 : _line, $"malformed JSON: {FirstSentence(ex.Message)}", ex);
            }
            if (got)
            {
                Line = CountLinesTo(_start + (int)reader.TokenStartIndex);
                TokenType = reader.TokenType;
                Depth = reader.CurrentDepth;
                try
                {
                    Text = reader.TokenType switch
                    {
                        JsonTokenType.PropertyName or JsonTokenType.String => reader.GetString(),
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
                        _ => null,
                    };
                }
                catch (InvalidOperationException ex)
                {
                    // Utf8JsonReader does not validate string contents; decoding does, and reports invalid
                    // UTF-8 or a lone surrogate escape this way.
                    throw new BankFormatException(_source, Line, "a JSON string is not valid Unicode text (invalid UTF-8 or a lone surrogate escape)", ex);
                }
                _start += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                return true;
            }
            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            if (_final)
            {
                if (reader.CurrentDepth > 0 || _start < _end)
                    throw new BankFormatException(_source, _line, "JSON ends early (truncated file?)");
                return false;
            }
            Refill();
        }
    }

    /// <summary>Skips the value that starts at the current token (a scalar, or a whole object/array).</summary>
    public void SkipValue()
    {
        if (TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return;
        int depth = Depth;
        while (Read())
            if (TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray && Depth == depth) return;
        throw new BankFormatException(_source, _line, "JSON ends early (truncated file?)");
    }

    /// <summary>Reads the next token, failing clearly at the end of the input.</summary>
    public void ReadRequired()
    {
        if (!Read()) throw new BankFormatException(_source, _line, "JSON ends early (truncated file?)");
    }

    private void Refill()
    {
        CountLinesTo(_start);
        int remaining = _end - _start;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, remaining);
            _countedTo -= _start;
            _start = 0;
            _end = remaining;
        }
        if (_end == _buf.Length)
        {
            if (_buf.Length >= _maxBuffer)
                throw new BankFormatException(_source, _line, $"a JSON value is larger than {_maxBuffer / 1024} KiB; refusing to read it");
            Array.Resize(ref _buf, Math.Min(_buf.Length * 2, _maxBuffer));
        }
        int n = _stream.Read(_buf, _end, _buf.Length - _end);
        if (n == 0) { _final = true; return; }
        bool first = _end == 0 && _line == 1 && _countedTo == 0;
        _end += n;
        // A UTF-8 byte-order mark, which many tools write, is not JSON.
        if (first && _end >= 3 && _buf[0] == 0xEF && _buf[1] == 0xBB && _buf[2] == 0xBF) { _start = 3; _countedTo = 3; }
    }

    private long CountLinesTo(int position)
    {
        if (position > _countedTo)
        {
            _line += _buf.AsSpan(_countedTo, position - _countedTo).Count((byte)'\n');
            _countedTo = position;
        }
        return _line;
    }

    private static string FirstSentence(string message)
    {
        int i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
