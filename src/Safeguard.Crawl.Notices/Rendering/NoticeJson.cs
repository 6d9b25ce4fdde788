using System.Text.Json;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Rendering;

/// <summary>A notice as one JSON document (for web forms, ticketing systems and records): no media, hashes and URLs only.</summary>
public static class NoticeJson
{
    public static string Render(Notice notice, IReadOnlyList<NoticeItem> items, RenderedEmail? email = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("id", notice.Id);
            w.WriteString("kind", notice.Kind);
            if (notice.ParentId is { } parent) w.WriteNumber("parent_id", parent); else w.WriteNull("parent_id");
            w.WriteString("state", notice.State);
            w.WriteStartObject("provider");
            w.WriteString("name", notice.Provider.Name);
            w.WriteString("abuse_email", notice.Provider.AbuseEmail);
            w.WriteString("web_form", notice.Provider.WebForm);
            w.WriteString("escalation_email", notice.Provider.EscalationEmail);
            w.WriteString("escalation_contact", notice.Provider.EscalationContact);
            w.WriteString("language", notice.Provider.Language);
            w.WriteEndObject();
            Time(w, "created_at", notice.CreatedAt);
            Time(w, "queued_at", notice.QueuedAt);
            Time(w, "sent_at", notice.SentAt);
            w.WriteString("sent_by", notice.SentBy);
            w.WriteString("sent_to", notice.SentTo);
            Time(w, "escalated_at", notice.EscalatedAt);
            Time(w, "resolved_at", notice.ResolvedAt);
            if (email is not null)
            {
                w.WriteString("subject", email.Subject);
                w.WriteString("body", email.Body);
            }
            w.WriteStartArray("items");
            foreach (var item in items)
            {
                var s = item.Sighting;
                w.WriteStartObject();
                w.WriteNumber("sighting_id", s.Id);
                w.WriteString("url", s.Url);
                w.WriteString("page_url", s.PageUrl);
                Time(w, "seen_at", s.SeenAt);
                w.WriteNumber("http_status", s.HttpStatus);
                w.WriteString("server_ip", s.ServerIp);
                w.WriteString("host", s.Host);
                w.WriteString("content_type", s.ContentType);
                w.WriteString("sha256", s.Sha256);
                w.WriteString("md5", s.Md5);
                w.WriteString("pdq", s.Pdq);
                w.WriteString("match_kind", s.MatchKind);
                w.WriteString("bank", s.Bank);
                if (s.EntryId is { } e) w.WriteNumber("entry_id", e); else w.WriteNull("entry_id");
                w.WriteString("content_id", s.ContentId);
                w.WriteString("signal_type", s.SignalType);
                if (s.Distance is { } d) w.WriteNumber("distance", d); else w.WriteNull("distance");
                w.WriteString("rule", item.Rule);
                Time(w, "gone_at", item.GoneAt);
                w.WriteString("gone_reason", item.GoneReason);
                Time(w, "last_checked_at", item.LastCheckedAt);
                w.WriteString("last_result", item.LastResult);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? t)
    {
        if (t is { } v) w.WriteString(name, NoticeTemplate.Iso(v)); else w.WriteNull(name);
    }
}
