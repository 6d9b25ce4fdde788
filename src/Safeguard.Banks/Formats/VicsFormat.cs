using System.Text.Json;
using Safeguard.Signals;

namespace Safeguard.Banks.Formats;

/// <summary>
/// Project VIC "VICS" JSON (OData) v1.x and v2.0, read as a stream. Accepts #Media documents
/// (a "value" array of Media) and #Cases documents (a "value" array of cases, each with a
/// "Media" array), a UTF-8 BOM, booleans and numbers written as strings, null categories, and
/// counts that disagree with the data (counts are ignored). Hashes come from MD5, SHA1, SHA256
/// and AlternativeHashes [{HashName, HashValue}] (PDQ, MD5, SHA1, SHA256, VIDEO_MD5, VPDQ, and
/// TMK_PDQF or any other name or alias of a signal type, in any case).
/// </summary>
public static class VicsFormat
{
    /// <summary>Tags written as "grade:A" carry the UK grade through VICS, which has no field for it.</summary>
    public const string GradeTagPrefix = "grade:";

    public static IEnumerable<EntryRecord> Read(Stream input, ReadOptions options)
    {
        var json = new JsonTokenStream(input, options.SourceName, options.MaxJsonTokenBytes);
        if (!json.Read()) throw new BankFormatException(options.SourceName, 0, "empty file, not a VICS JSON document");
        if (json.TokenType != JsonTokenType.StartObject)
            throw new BankFormatException(options.SourceName, json.Line, "not a VICS JSON document: expected '{' at the top");
        bool sawValue = false;
        while (true)
        {
            json.ReadRequired();
            if (json.TokenType == JsonTokenType.EndObject) break;
            var name = json.Text!;
            long nameLine = json.Line;
            json.ReadRequired();
            if (name.Equals("value", StringComparison.OrdinalIgnoreCase) && json.Depth == 1)
            {
                if (json.TokenType != JsonTokenType.StartArray)
                    throw new BankFormatException(options.SourceName, nameLine, "'value' must be an array of Media or Cases");
                sawValue = true;
                while (true)
                {
                    json.ReadRequired();
                    if (json.TokenType == JsonTokenType.EndArray) break;
                    if (json.TokenType != JsonTokenType.StartObject)
                    {
                        options.Problem(json.Line, "item of 'value' is not an object, skipped");
                        json.SkipValue();
                        continue;
                    }
                    foreach (var r in ReadItem(json, options)) yield return r;
                }
            }
            else json.SkipValue();
        }
        if (json.Read()) throw new BankFormatException(options.SourceName, json.Line, "unexpected data after the JSON document");
        if (!sawValue) throw new BankFormatException(options.SourceName, 0, "no 'value' array: not a VICS #Media or #Cases document");
    }

    /// <summary>An item of 'value': a Media object, or a case holding a Media array (then its own fields are case fields).</summary>
    private static IEnumerable<EntryRecord> ReadItem(JsonTokenStream json, ReadOptions options)
    {
        long start = json.Line;
        var media = new MediaBuilder();
        bool isCase = false;
        while (true)
        {
            json.ReadRequired();
            if (json.TokenType == JsonTokenType.EndObject) break;
            var name = json.Text!;
            json.ReadRequired();
            if (name.Equals("Media", StringComparison.OrdinalIgnoreCase) && json.TokenType == JsonTokenType.StartArray)
            {
                isCase = true;
                while (true)
                {
                    json.ReadRequired();
                    if (json.TokenType == JsonTokenType.EndArray) break;
                    if (json.TokenType != JsonTokenType.StartObject)
                    {
                        options.Problem(json.Line, "item of 'Media' is not an object, skipped");
                        json.SkipValue();
                        continue;
                    }
                    long mediaLine = json.Line;
                    var inner = new MediaBuilder();
                    while (true)
                    {
                        json.ReadRequired();
                        if (json.TokenType == JsonTokenType.EndObject) break;
                        var n = json.Text!;
                        json.ReadRequired();
                        inner.Accept(n, json, options);
                    }
                    foreach (var r in inner.ToRecords(mediaLine, options)) yield return r;
                }
            }
            else media.Accept(name, json, options);
        }
        if (!isCase || media.HasHashes)
            foreach (var r in media.ToRecords(start, options)) yield return r;
    }

    private sealed class MediaBuilder
    {
        private string? _contentId;
        private int? _category;
        private string? _grade;
        private readonly List<string> _tags = [];
        private readonly List<(SignalType Type, string Value, long Line)> _hashes = [];

        public bool HasHashes => _hashes.Count > 0;

        public void Accept(string name, JsonTokenStream json, ReadOptions options)
        {
            switch (name.ToUpperInvariant())
            {
                case "MEDIAID":
                    _contentId = Scalar(json);
                    break;
                case "CATEGORY":
                    var text = Scalar(json);
                    if (text is not null && !Category.TryParse(text, out _category, out _grade, out var error))
                        options.Problem(json.Line, error! + "; category ignored");
                    break;
                case "MD5": AddHash(SignalTypes.Md5, json); break;
                case "SHA1": AddHash(SignalTypes.Sha1, json); break;
                case "SHA256": AddHash(SignalTypes.Sha256, json); break;
                case "TAGS":
                    if (json.TokenType == JsonTokenType.StartArray)
                    {
                        while (true)
                        {
                            json.ReadRequired();
                            if (json.TokenType == JsonTokenType.EndArray) break;
                            if (Scalar(json) is { } t) _tags.AddRange(Tags.Split(t));
                        }
                    }
                    else if (Scalar(json) is { } t) _tags.AddRange(Tags.Split(t.Replace(',', ';')));
                    break;
                case "ALTERNATIVEHASHES":
                    ReadAlternativeHashes(json, options);
                    break;
                default:
                    json.SkipValue();
                    break;
            }
        }

        private void AddHash(SignalType type, JsonTokenStream json)
        {
            if (Scalar(json) is { Length: > 0 } v) _hashes.Add((type, v, json.Line));
        }

        private void ReadAlternativeHashes(JsonTokenStream json, ReadOptions options)
        {
            if (json.TokenType != JsonTokenType.StartArray) { json.SkipValue(); return; }
            while (true)
            {
                json.ReadRequired();
                if (json.TokenType == JsonTokenType.EndArray) return;
                if (json.TokenType != JsonTokenType.StartObject) { json.SkipValue(); continue; }
                string? hashName = null, hashValue = null;
                long line = json.Line;
                while (true)
                {
                    json.ReadRequired();
                    if (json.TokenType == JsonTokenType.EndObject) break;
                    var n = json.Text!;
                    json.ReadRequired();
                    if (n.Equals("HashName", StringComparison.OrdinalIgnoreCase)) hashName = Scalar(json);
                    else if (n.Equals("HashValue", StringComparison.OrdinalIgnoreCase)) { hashValue = Scalar(json); line = json.Line; }
                    else json.SkipValue();
                }
                if (hashName is null || string.IsNullOrWhiteSpace(hashValue)) continue;
                if (SignalTypes.TryGet(hashName, out var type)) _hashes.Add((type, hashValue, line));
                // Other hash names (PhotoDNA, ...) are not signals Safeguard matches on; ignored.
            }
        }

        public IEnumerable<EntryRecord> ToRecords(long line, ReadOptions options)
        {
            if (_hashes.Count == 0)
            {
                options.Problem(line, $"media{(_contentId is null ? "" : " " + _contentId)} has no hash of a known signal type, skipped");
                yield break;
            }
            var grade = _grade;
            var tags = new List<string>();
            foreach (var t in _tags)
            {
                if (t.StartsWith(GradeTagPrefix, StringComparison.OrdinalIgnoreCase) && Category.NormalizeGrade(t[GradeTagPrefix.Length..]) is { } g) grade ??= g;
                else tags.Add(t);
            }
            var seen = new HashSet<(string, string)>();
            foreach (var (type, value, hashLine) in _hashes)
            {
                if (options.MakeRecordOf(hashLine, type, value) is not { } r || !seen.Add((r.Type.Name, r.Value))) continue;
                yield return r with { ContentId = _contentId, Category = _category, Grade = grade, Tags = tags };
            }
        }

        /// <summary>A scalar as text (strings, numbers, "true"/"false"); null for null, objects and arrays (skipped).</summary>
        private static string? Scalar(JsonTokenStream json)
        {
            switch (json.TokenType)
            {
                case JsonTokenType.String:
                case JsonTokenType.Number: return json.Text;
                case JsonTokenType.True: return "true";
                case JsonTokenType.False: return "false";
                case JsonTokenType.Null: return null;
                default: json.SkipValue(); return null;
            }
        }
    }
}
