namespace Safeguard.Banks.Formats;

/// <summary>
/// One hash a line, optionally "TYPE HASH". '#' starts a comment; blank lines are ignored.
/// </summary>
public static class PlainListFormat
{
    public static IEnumerable<EntryRecord> Read(TextReader input, ReadOptions options)
    {
        var lines = new LineReader(input, options.MaxLineLength);
        while (lines.TryRead(out var raw, out var tooLong))
        {
            long n = lines.LineNumber;
            if (tooLong)
            {
                options.Problem(n, $"line longer than {options.MaxLineLength} characters, skipped");
                continue;
            }
            var text = raw.AsSpan();
            if (n == 1 && text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
            int hash = text.IndexOf('#');
            if (hash >= 0) text = text[..hash];
            text = text.Trim();
            if (text.IsEmpty) continue;
            if (text.Contains('\0'))
            {
                options.Problem(n, "binary data, not a hash list line");
                continue;
            }
            int space = text.IndexOfAny(' ', '\t');
            var record = space < 0
                ? options.MakeRecord(n, null, text.ToString())
                : MakeTyped(options, n, text[..space].ToString(), text[(space + 1)..].Trim());
            if (record is not null) yield return record;
        }
    }

    private static EntryRecord? MakeTyped(ReadOptions options, long line, string type, ReadOnlySpan<char> rest)
    {
        if (rest.IndexOfAny(' ', '\t') >= 0)
        {
            options.Problem(line, "expected 'HASH' or 'TYPE HASH', found more than two words");
            return null;
        }
        return options.MakeRecord(line, type, rest.ToString());
    }

    public static void Write(TextWriter output, IEnumerable<EntryRecord> records)
    {
        foreach (var r in records)
        {
            output.Write(r.Type.Name);
            output.Write(' ');
            output.Write(r.Value);
            output.Write('\n');
        }
        output.Flush();
    }
}
