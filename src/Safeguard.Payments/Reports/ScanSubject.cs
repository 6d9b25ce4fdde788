using System.Text.Json;
using System.Text.Json.Serialization;

namespace Safeguard.Payments.Reports;

/// <summary>One indicator that fired for a subject, with the transactions it points at.</summary>
public sealed record IndicatorHit(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("strength")] double Strength,
    [property: JsonPropertyName("transactions")] IReadOnlyList<string> Transactions);

/// <summary>One line of a scan's <c>subjects.jsonl</c>: a subject of concern found by <c>payments scan</c>.</summary>
public sealed record ScanSubject(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("indicators")] IReadOnlyList<IndicatorHit> Indicators,
    [property: JsonPropertyName("counterparties")] IReadOnlyList<string> Counterparties,
    [property: JsonPropertyName("first_seen")] DateTimeOffset? FirstSeen,
    [property: JsonPropertyName("last_seen")] DateTimeOffset? LastSeen)
{
    internal static readonly JsonSerializerOptions Json = new() { AllowTrailingCommas = false, MaxDepth = 16 };

    /// <summary>Parses one line; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ScanSubject Parse(string line)
    {
        ScanSubject? s;
        try { s = JsonSerializer.Deserialize<ScanSubject>(line, Json); }
        catch (JsonException ex) { throw new FormatException($"not a subject record: {ex.Message}", ex); }
        if (s is null) throw new FormatException("not a subject record: null");
        if (string.IsNullOrEmpty(s.Subject)) throw new FormatException("\"subject\" is missing or empty");
        if (s.Role is not ("purchaser" or "facilitator")) throw new FormatException($"\"role\" must be purchaser or facilitator, not '{s.Role}'");
        if (s.Level is not ("low" or "medium" or "high" or "critical")) throw new FormatException($"\"level\" must be low, medium, high or critical, not '{s.Level}'");
        if (!(s.Score is >= 0 and <= 1)) throw new FormatException($"\"score\" must be 0..1, not {s.Score}");
        foreach (var i in s.Indicators ?? throw new FormatException("\"indicators\" is missing"))
        {
            if (i is null || string.IsNullOrEmpty(i.Name)) throw new FormatException("an indicator has no \"name\"");
            if (!(i.Strength is >= 0 and <= 1)) throw new FormatException($"indicator {i.Name}: \"strength\" must be 0..1");
            if (i.Transactions is null || i.Transactions.Any(t => t is null)) throw new FormatException($"indicator {i.Name}: \"transactions\" must be a list of ids");
        }
        if (s.Counterparties is null || s.Counterparties.Any(c => c is null)) throw new FormatException("\"counterparties\" must be a list of ids");
        return s;
    }
}

/// <summary>A problem with one line of an input file, reported as FILE:LINE.</summary>
public sealed record LineError(string File, long Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}

/// <summary>Finds one subject in a scan's <c>subjects.jsonl</c>, reporting unreadable lines as FILE:LINE.</summary>
public static class SubjectsFile
{
    public sealed record Lookup(IReadOnlyList<ScanSubject> Matches, IReadOnlyList<LineError> Errors);

    public static Lookup Find(string path, string subject, string? role = null)
    {
        var matches = new List<ScanSubject>();
        var errors = new List<LineError>();
        using var reader = new StreamReader(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
        long lineNo = 0;
        var buffer = new System.Text.StringBuilder();
        while (ReadLine(reader, buffer, MaxLineChars, out bool tooLong) is { } line)
        {
            lineNo++;
            if (tooLong)
            {
                errors.Add(new LineError(path, lineNo, $"line longer than {MaxLineChars / (1024 * 1024)} MiB characters; skipped"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(line)) continue;
            ScanSubject s;
            try { s = ScanSubject.Parse(line); }
            catch (FormatException ex)
            {
                errors.Add(new LineError(path, lineNo, ex.Message));
                continue;
            }
            if (s.Subject == subject && (role is null || s.Role == role)) matches.Add(s);
        }
        if (lineNo == 0) errors.Add(new LineError(path, 0, "empty file: the scan found no subjects, or the file was truncated"));
        return new Lookup(matches, errors);
    }

    /// <summary>Longest subject line read; longer ones are skipped to their end and reported.</summary>
    public const int MaxLineChars = 16 * 1024 * 1024;

    /// <summary>One line (without its end), read in bounded memory; null at the end of the input.</summary>
    private static string? ReadLine(StreamReader reader, System.Text.StringBuilder sb, int max, out bool tooLong)
    {
        sb.Clear();
        tooLong = false;
        int c = reader.Read();
        if (c < 0) return null;
        for (; c >= 0 && c != '\n'; c = reader.Read())
        {
            if (sb.Length < max) sb.Append((char)c);
            else tooLong = true;
        }
        if (sb.Length > 0 && sb[^1] == '\r') sb.Length--;
        return tooLong ? "" : sb.ToString();
    }
}
