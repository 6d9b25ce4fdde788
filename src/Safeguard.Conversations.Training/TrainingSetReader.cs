using System.Security.Cryptography;
using System.Text;
using Safeguard.Conversations.Model;
using Safeguard.Csv;

namespace Safeguard.Conversations.Training;

/// <summary>
/// Reads labelled conversations: evaluation-format JSON files (a directory is searched recursively for *.json and
/// *.csv), and CSV segments with a header naming a text column (<c>text</c>, <c>segment</c> or <c>conversation</c>)
/// and a <c>label</c> column (1/0, true/false, risk/benign, yes/no), optionally an <c>id</c> column. A segment is a
/// conversation without speakers; each line of its text is one message. Any unreadable input stops the read with
/// an error naming it, so a model is never trained on part of what was asked.
/// </summary>
public sealed class TrainingSetReader
{
    /// <summary>Longest CSV record accepted (characters); a longer one is an error.</summary>
    public const int MaxRecordChars = 16 * 1024 * 1024;
    private static readonly string[] TextColumns = ["text", "segment", "conversation", "content"];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly List<LabelledConversation> _items = [];
    private readonly Dictionary<string, string> _sourceOfId = new(StringComparer.Ordinal);

    public List<string> Warnings { get; } = [];

    /// <summary>CSV column holding the text, when it is not one of the usual names.</summary>
    public string? TextColumn { get; init; }

    /// <summary>CSV column holding the label, when it is not <c>label</c>.</summary>
    public string? LabelColumn { get; init; }
    public IReadOnlyList<LabelledConversation> Items => _items;
    public List<string> Sources { get; } = [];

    public static TrainingSetReader ReadAll(IEnumerable<string> paths, string? textColumn = null, string? labelColumn = null)
    {
        var reader = new TrainingSetReader { TextColumn = textColumn, LabelColumn = labelColumn };
        foreach (var path in paths) reader.Read(path);
        return reader;
    }

    public void Read(string path)
    {
        if (Directory.Exists(path))
        {
            Sources.Add(path);
            var files = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new TrainingDataException($"{path}: no *.json or *.csv files");
            foreach (var file in files) ReadFile(file);
        }
        else if (File.Exists(path))
        {
            Sources.Add(path);
            ReadFile(path);
        }
        else throw new TrainingDataException($"{path}: no such file or directory");
    }

    private void ReadFile(string file)
    {
        if (file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) ReadCsv(file);
        else ReadJson(file);
    }

    private void ReadJson(string file)
    {
        (Conversation Conversation, ConversationLabel? Label) parsed;
        try
        {
            using var stream = File.OpenRead(file);
            parsed = ConversationJson.ReadLabelled(stream);
        }
        catch (ConversationFormatException ex) { throw new TrainingDataException($"{file}: {ex.Message}", ex); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new TrainingDataException($"{file}: {ex.Message}", ex); }
        if (parsed.Label is not { } label)
        {
            Warnings.Add($"{file}: no label, skipped");
            return;
        }
        var id = parsed.Conversation.Id ?? Path.GetFileNameWithoutExtension(file);
        Add(new LabelledConversation(id, file, parsed.Conversation, label.IsRisk, label.Category));
    }

    private void ReadCsv(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var text = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true);
            var csv = new CsvRecordReader(text, MaxRecordChars, maxFields: 64);
            var fields = new List<string>();
            if (!csv.TryRead(fields, out var headerError) || headerError is not null)
                throw new TrainingDataException($"{file}: {(headerError ?? "empty file")}; a header row such as text,label is needed");
            var header = fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
            var textColumn = TextColumn is { } t ? header.IndexOf(t.Trim().ToLowerInvariant()) : header.FindIndex(h => TextColumns.Contains(h));
            var labelColumn = header.IndexOf(LabelColumn?.Trim().ToLowerInvariant() ?? "label");
            var idColumn = header.IndexOf("id");
            if (textColumn < 0 || labelColumn < 0)
                throw new TrainingDataException($"{file}: the header ({string.Join(",", header)}) needs a text column ({TextColumn ?? string.Join(", ", TextColumns)}) and a label column ({LabelColumn ?? "label"}); --text-column and --label-column name others");
            var rows = 0;
            while (csv.TryRead(fields, out var error))
            {
                var line = csv.RecordLine;
                if (error is not null) throw new TrainingDataException($"{file}:{line}: {error}");
                if (fields.Count == 1 && fields[0].Length == 0) continue;
                if (fields.Count != header.Count)
                    throw new TrainingDataException($"{file}:{line}: {fields.Count} fields where the header has {header.Count}");
                var isRisk = ParseLabel(fields[labelColumn]) ?? throw new TrainingDataException(
                    $"{file}:{line}: label \"{Clip(fields[labelColumn])}\" is not 1/0, true/false, risk/benign or yes/no");
                var id = idColumn >= 0 && fields[idColumn].Length > 0 ? fields[idColumn] : $"{Path.GetFileName(file)}:{line}";
                var messages = fields[textColumn].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(m => new ChatMessage("", null, m)).ToList();
                Add(new LabelledConversation(id, $"{file}:{line}", new Conversation(id, [], messages), isRisk, "segment"));
                rows++;
            }
            if (rows == 0) Warnings.Add($"{file}: a header but no rows");
        }
        catch (DecoderFallbackException ex) { throw new TrainingDataException($"{file}: not valid UTF-8 ({ex.Message})", ex); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new TrainingDataException($"{file}: {ex.Message}", ex); }
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

    internal static bool? ParseLabel(string text) => text.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "risk" or "yes" or "positive" => true,
        "0" or "false" or "benign" or "no" or "negative" => false,
        _ => null,
    };

    private void Add(LabelledConversation item)
    {
        if (_sourceOfId.TryGetValue(item.Id, out var first))
            throw new TrainingDataException($"{item.Source}: conversation id \"{Clip(item.Id)}\" is also used by {first}; ids must be unique");
        _sourceOfId[item.Id] = item.Source;
        _items.Add(item);
    }

    /// <summary>SHA-256 over every conversation's id, label, senders and texts, in id order: the same data gives the same hash.</summary>
    public static string DataHash(IEnumerable<LabelledConversation> items)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in items.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            Append(hash, item.Id);
            Append(hash, item.IsRisk ? "1" : "0");
            foreach (var m in item.Conversation.Messages)
            {
                Append(hash, m.Sender ?? "");
                Append(hash, m.Text ?? "");
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string text)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(text));
        hash.AppendData([0]);
    }
}
