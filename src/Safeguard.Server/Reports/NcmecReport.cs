using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using Safeguard.Server.Review;

namespace Safeguard.Server.Reports;

/// <summary>
/// NCMEC CyberTipline documents from confirmed items, shaped as CyberTipline's report schema wants them:
/// unqualified element names, children in the schema's sequence order, booleans as true/false, times as
/// xs:dateTime in UTC. The report document holds incidentSummary, reporter and additionalInfo (in that order;
/// the schema's other sections are not written). Each file is described by its own fileDetails document,
/// sent after the file is uploaded (CyberTipline's /submit, /upload, /fileinfo, /finish sequence).
/// Free text is stripped of characters XML cannot carry, so hostile input never breaks the document.
/// tests/Safeguard.Server.Tests/Fixtures/cybertipline-subset.xsd holds the structure these documents are checked against.
/// </summary>
public static class NcmecReport
{
    /// <summary>Values of the schema's incidentType enumeration that Safeguard uses.</summary>
    public const string ChildPornography = "Child Pornography (possession, manufacture, and distribution)";
    public const string OnlineEnticement = "Online Enticement of Children for Sexual Acts";

    public sealed record Reporter(string Name, string Email);

    /// <summary>Starts the additionalInfo line that carries the signed audit checkpoint.</summary>
    public const string CheckpointLabel = "Safeguard audit checkpoint: ";

    /// <summary>What Safeguard knows about how a file was handled, for fileDetails.</summary>
    /// <param name="ViewedByEsp">Someone at the reporting company looked at the file itself.</param>
    /// <param name="PubliclyAvailable">Whether the file was publicly accessible; null when not known (left out).</param>
    public sealed record FileFacts(bool ViewedByEsp, bool? PubliclyAvailable);

    /// <summary>
    /// The incident type: enticement when every item is a conversation alert, otherwise child sexual abuse material.
    /// </summary>
    public static string IncidentTypeFor(IReadOnlyList<ReviewItem> items) =>
        items.Count > 0 && items.All(i => i.Kind == "conversation") ? OnlineEnticement : ChildPornography;

    /// <param name="auditCheckpoint">A signed audit checkpoint line covering the report's own audit entry, ending additionalInfo.</param>
    public static string Report(IReadOnlyList<ReviewItem> items, Reporter reporter, DateTimeOffset incident, string? additionalInfo, string? auditCheckpoint = null)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(new StringWriterUtf8(sb), Settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("report");
            w.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
            w.WriteAttributeString("xsi", "noNamespaceSchemaLocation", "http://www.w3.org/2001/XMLSchema-instance", "https://report.cybertip.org/ispws/xsd");

            // incidentSummary: incidentType, (platform, escalateToHighPriority), reportAnnotations, incidentDateTime.
            w.WriteStartElement("incidentSummary");
            w.WriteElementString("incidentType", IncidentTypeFor(items));
            if (items.Any(ShowsCoercion))
            {
                w.WriteStartElement("reportAnnotations");
                w.WriteElementString("sextortion", "true");
                w.WriteEndElement();
            }
            w.WriteElementString("incidentDateTime", XsDateTime(incident));
            w.WriteEndElement();

            // reporter/reportingPerson: firstName, lastName, (phone), email.
            w.WriteStartElement("reporter");
            w.WriteStartElement("reportingPerson");
            var parts = Clean(reporter.Name).Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length > 0) w.WriteElementString("firstName", parts[0]);
            if (parts.Length > 1) w.WriteElementString("lastName", parts[1]);
            var email = Clean(reporter.Email).Trim();
            if (email.Length > 0) w.WriteElementString("email", email);
            w.WriteEndElement();
            w.WriteEndElement();

            var info = new StringBuilder(Clean(additionalInfo).Trim());
            foreach (var item in items)
            {
                if (info.Length > 0) info.Append('\n');
                info.Append("Item ").Append(item.Id).Append(": ").Append(item.Category).Append(" confirmed by human review");
                if (item.Matches.Count > 0) info.Append("; matched hash lists: ").Append(string.Join(", ", item.Matches.Select(m => m.Bank).Distinct()));
                foreach (var m in item.Matches.Where(m => m.TmkLevel1 is not null))
                    info.Append("; TMK+PDQF video match in ").Append(m.Bank).Append(FormattableString.Invariant($" (level 1 {m.TmkLevel1:0.000}"))
                        .Append(m.TmkLevel2 is { } l2 ? FormattableString.Invariant($", level 2 {l2:0.000})") : ")");
            }
            if (!string.IsNullOrEmpty(auditCheckpoint))
            {
                if (info.Length > 0) info.Append('\n');
                info.Append(CheckpointLabel).Append(auditCheckpoint);
            }
            var text = Clean(info.ToString());
            if (text.Length > 0) w.WriteElementString("additionalInfo", text);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return sb.ToString();
    }

    /// <summary>The fileDetails document for one confirmed item (reportId and fileId come from CyberTipline).</summary>
    public static string FileDetails(ReviewItem item, long reportId, string fileId, FileFacts facts)
    {
        var id = Clean(fileId).Trim();
        if (id.Length == 0) throw new ArgumentException("a fileDetails document needs the file id CyberTipline gave the upload", nameof(fileId));
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(new StringWriterUtf8(sb), Settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("fileDetails");
            // Schema order: reportId, fileId, (fileName), originalFileName, (uploadedToEspTimestamp, locationOfFile),
            // fileViewedByEsp, (exifViewedByEsp), publiclyAvailable, (fileRelevance, potentialMeme, fileAnnotations),
            // industryClassification, originalFileHash*.
            w.WriteElementString("reportId", reportId.ToString(CultureInfo.InvariantCulture));
            w.WriteElementString("fileId", id);
            // A conversation item's FileName is the conversation id, not a file name.
            if (item.Kind != "conversation" && SafeFileName(item.FileName) is { Length: > 0 } name)
                w.WriteElementString("originalFileName", name);
            w.WriteElementString("fileViewedByEsp", Bool(facts.ViewedByEsp));
            if (facts.PubliclyAvailable is { } available) w.WriteElementString("publiclyAvailable", Bool(available));
            if (item.IndustryClassification is { } ic && ReviewStore.IndustryClasses.Contains(ic)) w.WriteElementString("industryClassification", ic);
            foreach (var (type, value) in new[] { ("MD5", item.Md5), ("SHA1", item.Sha1), ("SHA256", item.Sha256), ("PDQ", item.Pdq) })
            {
                if (string.IsNullOrEmpty(value)) continue;
                w.WriteStartElement("originalFileHash");
                w.WriteAttributeString("hashType", type);
                w.WriteString(Clean(value));
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return sb.ToString();
    }

    /// <summary>Only the last path segment of a name a client sent, without characters XML cannot carry.</summary>
    public static string? SafeFileName(string? name) => name is null ? null : Path.GetFileName(Clean(name).Replace('\\', '/')).Trim();

    /// <summary>
    /// Text without control characters (tab, line feed and carriage return stay), unpaired surrogates and the
    /// non-characters U+FFFE/U+FFFF: XML 1.0 cannot carry most of them and none belongs in a report.
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool keep;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            else if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF') keep = false;
            else keep = c is '\t' or '\n' or '\r' || !char.IsControl(c);
            if (keep) { sb?.Append(c); continue; }
            sb ??= new StringBuilder(text.Length).Append(text, 0, i);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>A conversation alert that reached the coercion stage: threats or demands, the mark of sextortion.</summary>
    private static bool ShowsCoercion(ReviewItem item)
    {
        if (item.Kind != "conversation" || item.Conversation is not { ValueKind: JsonValueKind.Object } alert) return false;
        if (alert.TryGetProperty("stage", out var stage) && stage.ValueKind == JsonValueKind.String && stage.GetString() == "coercion") return true;
        return alert.TryGetProperty("indicators", out var indicators) && indicators.ValueKind == JsonValueKind.Array
            && indicators.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("family", out var f)
                && f.ValueKind == JsonValueKind.String && f.GetString() == "coercion");
    }

    private static string XsDateTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Bool(bool b) => b ? "true" : "false";

    private static readonly XmlWriterSettings Settings = new() { Indent = true, Encoding = new UTF8Encoding(false) };

    private sealed class StringWriterUtf8(StringBuilder sb) : StringWriter(sb, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
