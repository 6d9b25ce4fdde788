using System.Globalization;
using System.Text.Json;

namespace Safeguard.Conversations.Model;

/// <summary>
/// Reads the conversation JSON format (see docs/conversations.md). Errors name the offending field and index;
/// invalid UTF-8 and malformed JSON are reported, never thrown through as parser internals.
/// </summary>
public static class ConversationJson
{
    /// <summary>Inputs larger than this are refused rather than buffered.</summary>
    public const long MaxInputBytes = 256L * 1024 * 1024;

    public static Conversation Parse(ReadOnlyMemory<byte> utf8) => ParseLabelled(utf8).Conversation;

    public static (Conversation Conversation, ConversationLabel? Label) ParseLabelled(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Length > MaxInputBytes)
            throw new ConversationFormatException($"input is {utf8.Length} bytes; the limit is {MaxInputBytes}");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ConversationFormatException($"not valid JSON: {ex.Message}", ex);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ConversationFormatException("the top level must be an object with \"messages\"");
            try
            {
                var id = OptionalString(root, "id", "conversation");
                var participants = ReadParticipants(root);
                var messages = ReadMessages(root);
                return (new Conversation(id, participants, messages), ReadLabel(root));
            }
            catch (InvalidOperationException ex)
            {
                // System.Text.Json reports undecodable strings (invalid UTF-8, lone surrogate escapes) this way.
                throw new ConversationFormatException($"a string is not valid Unicode text: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Reads a whole stream (a file or stdin) with the size limit applied.</summary>
    public static Conversation Read(Stream stream) => ReadLabelled(stream).Conversation;

    public static (Conversation Conversation, ConversationLabel? Label) ReadLabelled(Stream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > MaxInputBytes)
                throw new ConversationFormatException($"input exceeds the limit of {MaxInputBytes} bytes");
            buffer.Write(chunk, 0, n);
        }
        return ParseLabelled(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static List<Participant> ReadParticipants(JsonElement root)
    {
        var list = new List<Participant>();
        if (!root.TryGetProperty("participants", out var array) || array.ValueKind == JsonValueKind.Null)
            return list;
        if (array.ValueKind != JsonValueKind.Array)
            throw new ConversationFormatException("\"participants\" must be an array");
        var i = 0;
        foreach (var p in array.EnumerateArray())
        {
            var where = $"participants[{i++}]";
            if (p.ValueKind != JsonValueKind.Object)
                throw new ConversationFormatException($"{where} must be an object");
            var id = OptionalString(p, "id", where) ?? throw new ConversationFormatException($"{where} has no \"id\"");
            list.Add(new Participant(id, OptionalString(p, "name", where),
                OptionalInt(p, "declaredAge", where, 0, 150), OptionalInt(p, "accountAgeDays", where, 0, 100_000)));
        }
        return list;
    }

    private static List<ChatMessage> ReadMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var array))
            throw new ConversationFormatException("missing \"messages\"");
        if (array.ValueKind != JsonValueKind.Array)
            throw new ConversationFormatException("\"messages\" must be an array");
        var list = new List<ChatMessage>(array.GetArrayLength());
        var i = 0;
        foreach (var m in array.EnumerateArray())
        {
            var where = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object)
                throw new ConversationFormatException($"{where} must be an object");
            var sender = OptionalString(m, "sender", where) ?? throw new ConversationFormatException($"{where} has no \"sender\"");
            var text = OptionalString(m, "text", where) ?? "";
            list.Add(new ChatMessage(sender, ReadTimestamp(m, where), text));
        }
        return list;
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement m, string where)
    {
        if (!m.TryGetProperty("timestamp", out var t) || t.ValueKind == JsonValueKind.Null)
            return null;
        if (t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var unix))
        {
            // Seconds since 1970; values this large are milliseconds.
            // (Compared on both sides rather than with Math.Abs, which throws for long.MinValue.)
            if (unix is > 100_000_000_000L or < -100_000_000_000L) unix /= 1000;
            if (unix < -62_135_596_800L || unix > 253_402_300_799L)
                throw new ConversationFormatException($"{where}.timestamp is out of range");
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        }
        if (t.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return parsed;
        throw new ConversationFormatException($"{where}.timestamp must be an ISO 8601 string or Unix seconds");
    }

    private static ConversationLabel? ReadLabel(JsonElement root)
    {
        if (!root.TryGetProperty("label", out var label) || label.ValueKind == JsonValueKind.Null)
            return null;
        if (label.ValueKind != JsonValueKind.String)
            throw new ConversationFormatException("\"label\" must be \"risk\" or \"benign\"");
        var isRisk = label.GetString() switch
        {
            "risk" => true,
            "benign" => false,
            var other => throw new ConversationFormatException($"\"label\" must be \"risk\" or \"benign\", not \"{other}\""),
        };
        return new ConversationLabel(isRisk, OptionalString(root, "category", "conversation") ?? "",
            OptionalString(root, "split", "conversation") ?? "tuning",
            OptionalInt(root, "firstRiskIndex", "conversation", 0, int.MaxValue));
    }

    private static string? OptionalString(JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new ConversationFormatException($"{where}.{name} must be a string"),
        };
    }

    private static int? OptionalInt(JsonElement obj, string name, string where, int min, int max)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var value) || value < min || value > max)
            throw new ConversationFormatException($"{where}.{name} must be a whole number from {min} to {max}");
        return value;
    }
}
