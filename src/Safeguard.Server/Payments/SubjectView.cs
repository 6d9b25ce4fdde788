using System.Text.Json;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Output;

namespace Safeguard.Server.Payments;

/// <summary>
/// A subject as a reviewer sees it: the subject JSON (<see cref="SubjectJson"/>), its timeline (the
/// monthly counts and the flows to or from each counterparty with their kept transaction ids — only what
/// the analyser keeps) and the network around it to depth 2 (nodes with their levels, flows as edges).
/// </summary>
public static class SubjectView
{
    public const int MaxNodes = 60;

    public static JsonElement ToElement(PaymentsAnalyzer analyzer, Subject subject)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) Write(w, analyzer, subject);
        return JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
    }

    public static void Write(Utf8JsonWriter w, PaymentsAnalyzer analyzer, Subject subject)
    {
        analyzer.Accounts.TryFind(subject.Account, out int id);
        w.WriteStartObject();
        w.WritePropertyName("subject");
        SubjectJson.Write(w, subject);
        w.WritePropertyName("timeline");
        WriteTimeline(w, analyzer, id, subject.Role);
        w.WritePropertyName("network");
        WriteNetwork(w, analyzer, id, subject);
        w.WriteEndObject();
    }

    private static IEnumerable<(int From, int To, RecipientLink Link)> FlowsOf(PaymentsAnalyzer a, int id, SubjectRole role)
    {
        if (role == SubjectRole.Purchaser)
        {
            if (a.Senders.TryGetValue(id, out var s))
                foreach (var l in s.Recipients) yield return (id, l.Receiver, l);
        }
        else if (a.Receivers.TryGetValue(id, out var r))
        {
            foreach (var sender in r.Senders)
                if (a.Senders[sender].LinkTo(id, create: false) is { } l) yield return (sender, id, l);
        }
        else
        {
            foreach (var (sid, s) in a.Senders)
                if (s.LinkTo(id, create: false) is { } l) yield return (sid, id, l);
        }
    }

    private static void WriteTimeline(Utf8JsonWriter w, PaymentsAnalyzer a, int id, SubjectRole role)
    {
        w.WriteStartObject();
        w.WriteStartArray("months");
        if (role == SubjectRole.Purchaser && a.Senders.TryGetValue(id, out var s) && s.RiskyCount > 0)
        {
            var first = new DateTime(s.RiskyFirstTicks, DateTimeKind.Utc);
            for (int m = 0; m < SenderState.Months; m++)
            {
                if (s.MonthCount[m] == 0) continue;
                w.WriteStartObject();
                w.WriteString("month", first.AddMonths(m).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteNumber("count", s.MonthCount[m]);
                w.WriteNumber("amount", Math.Round(s.MonthSum[m], 2));
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteStartArray("flows");
        foreach (var (from, to, l) in FlowsOf(a, id, role).OrderBy(f => f.Link.FirstTicks).ThenBy(f => f.From).ThenBy(f => f.To))
        {
            w.WriteStartObject();
            w.WriteString("counterparty", a.Accounts.NameOf(from == id ? to : from));
            w.WriteString("direction", from == id ? "out" : "in");
            w.WriteNumber("count", l.Count);
            w.WriteNumber("amount", Math.Round(l.Sum, 2));
            w.WriteString("first", SubjectJson.Time(l.FirstTicks));
            w.WriteString("last", SubjectJson.Time(l.LastTicks));
            w.WriteStartArray("transactions");
            foreach (var t in l.Ids.Ids()) w.WriteStringValue(t);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteNetwork(Utf8JsonWriter w, PaymentsAnalyzer a, int center, Subject subject)
    {
        var depth = new Dictionary<int, int> { [center] = 0 };
        var firstRing = FlowsOf(a, center, subject.Role).OrderByDescending(f => f.Link.Sum).Select(f => f.From == center ? f.To : f.From).ToList();
        foreach (var n in firstRing)
            if (depth.Count < MaxNodes) depth.TryAdd(n, 1);
        // Depth 2: the other senders of a purchaser's recipients, the other recipients of a facilitator's senders.
        var otherRole = subject.Role == SubjectRole.Purchaser ? SubjectRole.Facilitator : SubjectRole.Purchaser;
        foreach (var n in firstRing)
            foreach (var f in FlowsOf(a, n, otherRole).OrderByDescending(f => f.Link.Sum))
            {
                if (depth.Count >= MaxNodes) break;
                depth.TryAdd(f.From == n ? f.To : f.From, 2);
            }

        var ids = new HashSet<int>(depth.Keys);
        var best = new Dictionary<int, Subject>();
        foreach (var s in new SubjectScorer(a).ScoreSubset(ids, ids))
            if (a.Accounts.TryFind(s.Account, out int sid) && (!best.TryGetValue(sid, out var had) || s.Score > had.Score)) best[sid] = s;
        best[center] = subject;

        w.WriteStartObject();
        w.WriteString("center", subject.Account);
        w.WriteStartArray("nodes");
        foreach (var (id, d) in depth.OrderBy(x => x.Value).ThenBy(x => a.Accounts.NameOf(x.Key), StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("id", a.Accounts.NameOf(id));
            w.WriteNumber("depth", d);
            var country = best.TryGetValue(id, out var sub) ? sub.Country
                : a.Receivers.TryGetValue(id, out var r) ? r.Country.ToString() : a.Senders.TryGetValue(id, out var s) ? s.Home.ToString() : "";
            w.WriteString("country", country);
            w.WriteString("level", sub is null ? "none" : Subject.LevelName(sub.Level));
            if (sub is not null)
            {
                w.WriteString("role", Subject.RoleName(sub.Role));
                w.WriteNumber("score", sub.Score);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("edges");
        foreach (var from in ids.Order())
        {
            if (!a.Senders.TryGetValue(from, out var s)) continue;
            foreach (var l in s.Recipients)
            {
                if (!ids.Contains(l.Receiver)) continue;
                w.WriteStartObject();
                w.WriteString("from", a.Accounts.NameOf(from));
                w.WriteString("to", a.Accounts.NameOf(l.Receiver));
                w.WriteNumber("count", l.Count);
                w.WriteNumber("amount", Math.Round(l.Sum, 2));
                w.WriteString("first", SubjectJson.Time(l.FirstTicks));
                w.WriteString("last", SubjectJson.Time(l.LastTicks));
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

}
