using System.Text.Json;
using Safeguard.Payments.Analysis;

namespace Safeguard.Payments.Output;

/// <summary>
/// <c>network.json</c>: the subjects and their counterparties as nodes, the flows between them as edges
/// (count, amount in the base currency, first and last payment).
/// </summary>
public static class NetworkJson
{
    public static void Write(Stream stream, IReadOnlyList<Subject> subjects)
    {
        var bySubject = subjects.GroupBy(s => s.Account).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.Score).First(), StringComparer.Ordinal);
        var nodes = new SortedDictionary<string, Subject?>(StringComparer.Ordinal);
        var edges = new Dictionary<(string, string), Flow>();
        foreach (var s in subjects)
        {
            nodes[s.Account] = bySubject[s.Account];
            foreach (var f in s.Flows)
            {
                nodes.TryAdd(f.From, bySubject.GetValueOrDefault(f.From));
                nodes.TryAdd(f.To, bySubject.GetValueOrDefault(f.To));
                edges.TryAdd((f.From, f.To), f);
            }
        }
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("nodes");
        foreach (var (account, subject) in nodes)
        {
            w.WriteStartObject();
            w.WriteString("id", account);
            if (subject is not null)
            {
                w.WriteString("role", Subject.RoleName(subject.Role));
                w.WriteString("level", Subject.LevelName(subject.Level));
                w.WriteNumber("score", subject.Score);
                w.WriteString("country", subject.Country);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("edges");
        foreach (var f in edges.Values.OrderBy(f => f.From, StringComparer.Ordinal).ThenBy(f => f.To, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("from", f.From);
            w.WriteString("to", f.To);
            w.WriteNumber("count", f.Count);
            w.WriteNumber("amount", Math.Round(f.Amount, 2));
            w.WriteString("first", SubjectJson.Time(f.FirstTicks));
            w.WriteString("last", SubjectJson.Time(f.LastTicks));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
