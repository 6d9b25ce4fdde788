using Safeguard.Csv;
using System.Buffers;
using Safeguard.Signals;

namespace Safeguard.Banks.Formats;

/// <summary>
/// CSV hash lists. With a header, columns are found by name in any order (unknown ones
/// ignored): signal_type, signal (or signal_value/hash/value), content_id, category, grade,
/// tags (';'-separated); a column named after a signal type (md5, sha1, pdq, sha256) holds values
/// of that type. Without a header (HMA style) the columns are signal type, signal value, content
/// id, then metadata, which is ignored.
/// </summary>
public static class CsvFormat
{
    public static readonly string[] Header = ["signal_type", "signal", "content_id", "category", "grade", "tags"];

    private static readonly Dictionary<string, string> ColumnAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["signal_type"] = "type", ["signaltype"] = "type", ["type"] = "type", ["hash_type"] = "type", ["hashtype"] = "type",
        ["signal"] = "value", ["signal_value"] = "value", ["signalvalue"] = "value", ["value"] = "value", ["hash"] = "value", ["hash_value"] = "value",
        ["content_id"] = "content_id", ["contentid"] = "content_id", ["content"] = "content_id", ["id"] = "content_id", ["media_id"] = "content_id", ["mediaid"] = "content_id",
        ["category"] = "category", ["vics_category"] = "category",
        ["grade"] = "grade", ["uk_grade"] = "grade",
        ["tags"] = "tags", ["tag"] = "tags",
    };

    private sealed class Layout
    {
        public int Type = -1, Value = -1, ContentId = -1, Category = -1, Grade = -1, Tags = -1;
        public readonly List<(int Column, SignalType Type)> TypedColumns = [];
    }

    public static IEnumerable<EntryRecord> Read(TextReader input, ReadOptions options)
    {
        var csv = new CsvRecordReader(input, options.MaxLineLength);
        var fields = new List<string>();
        Layout? layout = null;
        while (csv.TryRead(fields, out var error))
        {
            long line = csv.RecordLine;
            if (error is not null)
            {
                options.Problem(line, error);
                if (fields.Count == 0) continue;
            }
            if (line == 1 && fields.Count > 0 && fields[0].StartsWith('\uFEFF')) fields[0] = fields[0][1..];
            if (fields.Count == 0 || fields.All(string.IsNullOrWhiteSpace)) continue;
            if (fields.Any(f => f.Contains('\0')))
            {
                options.Problem(line, "binary data, not a CSV record");
                continue;
            }
            if (layout is null)
            {
                layout = TryHeader(fields);
                if (layout is not null) continue;
                layout = Headerless(fields);
            }
            foreach (var record in ToRecords(fields, layout, line, options)) yield return record;
        }
    }

    private static Layout? TryHeader(List<string> fields)
    {
        if (fields.Any(LooksLikeHex) || IsTypedValue(fields)) return null; // a data row, e.g. "md5,<hash>" or "tmk,<base64>"
        var layout = new Layout();
        for (int i = 0; i < fields.Count; i++)
        {
            var name = fields[i].Trim();
            if (ColumnAliases.TryGetValue(name.Replace(' ', '_'), out var role))
            {
                switch (role)
                {
                    case "type": if (layout.Type < 0) layout.Type = i; break;
                    case "value": if (layout.Value < 0) layout.Value = i; break;
                    case "content_id": if (layout.ContentId < 0) layout.ContentId = i; break;
                    case "category": if (layout.Category < 0) layout.Category = i; break;
                    case "grade": if (layout.Grade < 0) layout.Grade = i; break;
                    case "tags": if (layout.Tags < 0) layout.Tags = i; break;
                }
            }
            else if (SignalTypes.TryGet(name, out var t))
                layout.TypedColumns.Add((i, t));
        }
        return layout.Value >= 0 || layout.TypedColumns.Count > 0 ? layout : null;
    }

    // HMA style: type, value, content id, metadata... or just value[, content id] when the first field is not a type.
    private static Layout Headerless(List<string> first)
    {
        bool typed = SignalTypes.TryGet(first[0], out _) || (first.Count > 1 && !LooksLikeHex(first[0]) && LooksLikeHex(first[1]));
        return typed ? new Layout { Type = 0, Value = 1, ContentId = 2 } : new Layout { Value = 0, ContentId = 1 };
    }

    // A header never holds a valid value after a type name; an HMA row without a header does
    // ("tmk,<base64>" or "vpdq,<frames>", whose values are not hex).
    private static bool IsTypedValue(List<string> fields) =>
        fields.Count > 1 && SignalTypes.TryGet(fields[0], out var type) && type.TryNormalize(CsvField.Unguard(fields[1]), out _) is not null;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static bool LooksLikeHex(string s)
    {
        var t = s.AsSpan().Trim();
        return t.Length >= 32 && !t.ContainsAnyExcept(HexDigits);
    }

    private static IEnumerable<EntryRecord> ToRecords(List<string> f, Layout layout, long line, ReadOptions options)
    {
        string? Field(int i) => i >= 0 && i < f.Count && CsvField.Unguard(f[i]) is var v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        int? category = null;
        string? grade = Category.NormalizeGrade(Field(layout.Grade));
        if (Field(layout.Grade) is { } g && grade is null)
        {
            options.Problem(line, $"grade '{Category.Shorten(g)}' is not A, B or C");
            yield break;
        }
        if (!Category.TryParse(Field(layout.Category), out var vics, out var catGrade, out var catError))
        {
            options.Problem(line, catError!);
            yield break;
        }
        category = vics;
        grade ??= catGrade;
        var contentId = Field(layout.ContentId);
        var tags = Tags.Split(Field(layout.Tags));

        var pending = new List<EntryRecord>();
        if (layout.Value >= 0)
        {
            var value = Field(layout.Value);
            if (value is null)
            {
                if (layout.TypedColumns.Count == 0) options.Problem(line, "missing signal value");
            }
            else if (options.MakeRecord(line, Field(layout.Type), value) is { } r) pending.Add(r);
        }
        foreach (var (column, type) in layout.TypedColumns)
            if (Field(column) is { } v && options.MakeRecord(line, type.Name, v) is { } r) pending.Add(r);

        foreach (var r in pending)
            yield return r with { ContentId = contentId, Category = category, Grade = grade, Tags = tags };
    }

    public static void Write(TextWriter output, IEnumerable<EntryRecord> records)
    {
        output.Write(string.Join(',', Header));
        output.Write("\r\n");
        foreach (var r in records)
        {
            WriteField(output, r.Type.Name); output.Write(',');
            WriteField(output, r.Value); output.Write(',');
            WriteField(output, r.ContentId); output.Write(',');
            WriteField(output, r.Category?.ToString(System.Globalization.CultureInfo.InvariantCulture)); output.Write(',');
            WriteField(output, r.Grade); output.Write(',');
            WriteField(output, Tags.Join(r.Tags));
            output.Write("\r\n");
        }
        output.Flush();
    }

    /// <summary>Writes one field: quoted when it holds a comma, quote, line break or edge spaces, guarded against formulas (see <see cref="CsvField"/>).</summary>
    public static void WriteField(TextWriter output, string? value) => output.Write(CsvField.Escape(value));
}
