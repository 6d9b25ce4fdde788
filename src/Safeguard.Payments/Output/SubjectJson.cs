using System.Globalization;
using System.Text.Json;
using Safeguard.Payments.Analysis;

namespace Safeguard.Payments.Output;

/// <summary>The JSON form of a subject: one line of <c>subjects.jsonl</c>, and the service's answer.</summary>
public static class SubjectJson
{
    public static string Time(long ticks) =>
        ticks is <= 0 or long.MaxValue or long.MinValue ? "" : new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public static void Write(Utf8JsonWriter w, Subject s)
    {
        w.WriteStartObject();
        w.WriteString("subject", s.Account);
        w.WriteString("role", Subject.RoleName(s.Role));
        w.WriteNumber("score", s.Score);
        w.WriteString("level", Subject.LevelName(s.Level));
        w.WriteString("country", s.Country);
        w.WriteStartArray("indicators");
        foreach (var h in s.Indicators)
        {
            w.WriteStartObject();
            w.WriteString("name", h.Name);
            w.WriteNumber("strength", h.Strength);
            w.WriteString("detail", h.Detail);
            w.WriteNumber("count", h.Count);
            w.WriteStartArray("transactions");
            foreach (var id in h.Transactions) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("counterparties");
        foreach (var c in s.Counterparties) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteString("first_seen", Time(s.FirstTicks));
        w.WriteString("last_seen", Time(s.LastTicks));
        w.WriteEndObject();
    }

    public static string ToLine(Subject s)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) Write(w, s);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
