using System.Globalization;
using System.Text;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Rendering;

/// <summary>A rendered email: one subject line and a plain-text body.</summary>
public sealed record RenderedEmail(string Subject, string Body);

/// <summary>
/// A notice's email text. The file starts with a "Subject: " line, then a blank line, then the
/// body; <c>{{field}}</c> is replaced by its value and the text between <c>{{#items}}</c> and
/// <c>{{/items}}</c> is repeated for each sighting. Unknown fields are refused when the template
/// is read, so a typo does not reach a provider. Media itself is never attached: hashes and URLs only.
/// </summary>
public sealed class NoticeTemplate
{
    public static readonly string[] NoticeFields =
        ["notice_id", "kind", "provider", "item_count", "still_present_count", "created_at", "sent_at", "sender", "web_form", "escalation_contact", "parent_id"];

    public static readonly string[] ItemFields =
        ["url", "page_url", "seen_at", "http_status", "server_ip", "host", "content_type", "sha256", "md5", "pdq", "match_kind", "bank",
         "entry_id", "content_id", "signal_type", "distance", "status"];

    private const string ItemsStart = "{{#items}}", ItemsEnd = "{{/items}}";
    private const int MaxTemplateChars = 64 * 1024;

    private readonly string _subject, _head, _item, _tail;

    public string Name { get; }

    private NoticeTemplate(string name, string subject, string head, string item, string tail)
    {
        Name = name;
        _subject = subject;
        _head = head;
        _item = item;
        _tail = tail;
    }

    public static NoticeTemplate DefaultNotice { get; } = Parse("built-in notice template", DefaultTemplates.Notice);
    public static NoticeTemplate DefaultEscalation { get; } = Parse("built-in escalation template", DefaultTemplates.Escalation);

    public static NoticeTemplate Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new TemplateException($"{path}: no such template file");
        if (info.Length > MaxTemplateChars * 4) throw new TemplateException($"{path}: larger than {MaxTemplateChars} characters");
        return Parse(path, File.ReadAllText(path));
    }

    public static NoticeTemplate Parse(string name, string text)
    {
        if (text.Length > MaxTemplateChars) throw new TemplateException($"{name}: larger than {MaxTemplateChars} characters");
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        var first = newline < 0 ? text : text[..newline];
        if (!first.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))
            throw new TemplateException($"{name}:1: the first line must be 'Subject: ...'");
        var subject = first["Subject:".Length..].Trim();
        var body = newline < 0 ? "" : text[(newline + 1)..].TrimStart('\n');
        int start = body.IndexOf(ItemsStart, StringComparison.Ordinal), end = body.IndexOf(ItemsEnd, StringComparison.Ordinal);
        if (start < 0 || end < start || body.IndexOf(ItemsStart, start + 1, StringComparison.Ordinal) >= 0)
            throw new TemplateException($"{name}: the body must hold one {ItemsStart} ... {ItemsEnd} block listing the sightings");
        var head = body[..start];
        var item = body[(start + ItemsStart.Length)..end].TrimStart('\n');
        var tail = body[(end + ItemsEnd.Length)..].TrimStart('\n');
        Check(name, text, subject, NoticeFields);
        Check(name, text, head, NoticeFields);
        Check(name, text, tail, NoticeFields);
        Check(name, text, item, [.. NoticeFields, .. ItemFields]);
        return new NoticeTemplate(name, subject, head, item, tail);
    }

    private static void Check(string name, string whole, string part, string[] allowed)
    {
        for (int i = part.IndexOf("{{", StringComparison.Ordinal); i >= 0; i = part.IndexOf("{{", i + 2, StringComparison.Ordinal))
        {
            int close = part.IndexOf("}}", i, StringComparison.Ordinal);
            var field = close < 0 ? part[i..Math.Min(part.Length, i + 20)] : part[(i + 2)..close];
            if (close < 0 || Array.IndexOf(allowed, field) < 0)
            {
                int line = whole.AsSpan(0, Math.Max(0, whole.IndexOf(part, StringComparison.Ordinal))).Count('\n') + part.AsSpan(0, i).Count('\n') + 1;
                throw new TemplateException($"{name}:{line}: unknown field '{{{{{field}}}}}' (fields: {string.Join(", ", allowed)})");
            }
        }
    }

    public RenderedEmail Render(Notice notice, IReadOnlyList<NoticeItem> items, string sender)
    {
        var values = NoticeValues(notice, items, sender);
        var body = new StringBuilder();
        body.Append(Fill(_head, values, null));
        foreach (var item in items)
        {
            // An escalation lists only what is still there.
            if (notice.Kind == NoticeKinds.Escalation && item.GoneAt is not null) continue;
            body.Append(Fill(_item, values, ItemValues(item)));
        }
        body.Append(Fill(_tail, values, null));
        // A subject is one header line: a value holding CR/LF must not start another header.
        var subject = Fill(_subject, values, null).Replace('\r', ' ').Replace('\n', ' ');
        return new RenderedEmail(subject, body.ToString());
    }

    private static Dictionary<string, string> NoticeValues(Notice n, IReadOnlyList<NoticeItem> items, string sender) => new(StringComparer.Ordinal)
    {
        ["notice_id"] = n.Id.ToString(CultureInfo.InvariantCulture),
        ["kind"] = n.Kind,
        ["provider"] = n.Provider.Name,
        ["item_count"] = items.Count.ToString(CultureInfo.InvariantCulture),
        ["still_present_count"] = items.Count(i => i.GoneAt is null).ToString(CultureInfo.InvariantCulture),
        ["created_at"] = Iso(n.CreatedAt),
        ["sent_at"] = n.SentAt is { } s ? Iso(s) : "-",
        ["sender"] = sender,
        ["web_form"] = n.Provider.WebForm ?? "-",
        ["escalation_contact"] = n.Provider.EscalationContact ?? "-",
        ["parent_id"] = n.ParentId?.ToString(CultureInfo.InvariantCulture) ?? "-",
    };

    private static Dictionary<string, string> ItemValues(NoticeItem item)
    {
        var s = item.Sighting;
        return new(StringComparer.Ordinal)
        {
            ["url"] = s.Url,
            ["page_url"] = s.PageUrl ?? "-",
            ["seen_at"] = Iso(s.SeenAt),
            ["http_status"] = s.HttpStatus.ToString(CultureInfo.InvariantCulture),
            ["server_ip"] = s.ServerIp ?? "-",
            ["host"] = s.Host,
            ["content_type"] = s.ContentType,
            ["sha256"] = s.Sha256,
            ["md5"] = s.Md5,
            ["pdq"] = s.Pdq ?? "-",
            ["match_kind"] = s.MatchKind,
            ["bank"] = s.Bank,
            ["entry_id"] = s.EntryId?.ToString(CultureInfo.InvariantCulture) ?? "-",
            ["content_id"] = s.ContentId ?? "-",
            ["signal_type"] = s.SignalType,
            ["distance"] = s.Distance?.ToString(CultureInfo.InvariantCulture) ?? "-",
            ["status"] = item.GoneAt is { } gone ? $"gone since {Iso(gone)}" : "still present",
        };
    }

    private static string Fill(string text, Dictionary<string, string> values, Dictionary<string, string>? itemValues)
    {
        var sb = new StringBuilder(text.Length + 64);
        int pos = 0;
        for (int i = text.IndexOf("{{", StringComparison.Ordinal); i >= 0; i = text.IndexOf("{{", pos, StringComparison.Ordinal))
        {
            int close = text.IndexOf("}}", i, StringComparison.Ordinal);
            var field = text[(i + 2)..close];
            sb.Append(text, pos, i - pos);
            sb.Append(itemValues is not null && itemValues.TryGetValue(field, out var v) ? v : values[field]);
            pos = close + 2;
        }
        return sb.Append(text, pos, text.Length - pos).ToString();
    }

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

public sealed class TemplateException(string message) : Exception(message);
