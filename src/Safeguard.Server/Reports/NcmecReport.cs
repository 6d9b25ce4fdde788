using System.Text;
using System.Xml;
using Safeguard.Server.Review;

namespace Safeguard.Server.Reports;

/// <summary>
/// NCMEC CyberTipline report XML from confirmed items. The report document holds, in the schema's
/// order: incidentSummary, internetDetails, reporter, personOrUserReported, victim, additionalInfo.
/// Each file is described by its own fileDetails document, sent after the file is uploaded
/// (CyberTipline's /submit, /upload, /fileinfo, /finish sequence).
/// </summary>
public static class NcmecReport
{
    public const string IncidentType = "Child Pornography (possession, manufacture, and distribution)";

    public sealed record Reporter(string Name, string Email);

    public static string Report(IReadOnlyList<ReviewItem> items, Reporter reporter, DateTimeOffset incident, string? additionalInfo)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(new StringWriterUtf8(sb), Settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("report");
            w.WriteAttributeString("xmlns", "xsi", null, "http://www.w3.org/2001/XMLSchema-instance");
            w.WriteAttributeString("xsi", "noNamespaceSchemaLocation", "http://www.w3.org/2001/XMLSchema-instance", "https://report.cybertip.org/ispws/xsd");
            w.WriteStartElement("incidentSummary");
            w.WriteElementString("incidentType", IncidentType);
            w.WriteElementString("incidentDateTime", incident.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndElement();
            w.WriteStartElement("reporter");
            w.WriteStartElement("reportingPerson");
            var parts = reporter.Name.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            w.WriteElementString("firstName", parts.Length > 0 ? parts[0] : reporter.Name);
            w.WriteElementString("lastName", parts.Length > 1 ? parts[1] : "");
            w.WriteElementString("email", reporter.Email);
            w.WriteEndElement();
            w.WriteEndElement();
            var info = new StringBuilder(additionalInfo ?? "");
            foreach (var item in items)
            {
                if (info.Length > 0) info.Append('\n');
                info.Append("Item ").Append(item.Id).Append(": ").Append(item.Category).Append(" confirmed by human review");
                if (item.Matches.Count > 0) info.Append("; matched hash lists: ").Append(string.Join(", ", item.Matches.Select(m => m.Bank).Distinct()));
            }
            w.WriteElementString("additionalInfo", info.ToString());
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return sb.ToString();
    }

    /// <summary>The fileDetails document for one confirmed item (reportId and fileId come from CyberTipline).</summary>
    public static string FileDetails(ReviewItem item, string reportId, string fileId)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(new StringWriterUtf8(sb), Settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("fileDetails");
            w.WriteElementString("reportId", reportId);
            w.WriteElementString("fileId", fileId);
            w.WriteElementString("originalFileName", SafeFileName(item.FileName) ?? $"item-{item.Id}");
            // Viewed by the ESP: a person looked unless it was confirmed as an exact hit on a verified list.
            w.WriteElementString("fileViewedByEsp", item.VerifiedExact ? "false" : "true");
            w.WriteElementString("publiclyAvailable", "false");
            foreach (var (type, value) in new[] { ("MD5", item.Md5), ("SHA1", item.Sha1), ("SHA256", item.Sha256), ("PDQ", item.Pdq) })
            {
                if (value is null) continue;
                w.WriteStartElement("originalFileHash");
                w.WriteAttributeString("hashType", type);
                w.WriteString(value);
                w.WriteEndElement();
            }
            if (item.IndustryClassification is { } ic) w.WriteElementString("industryClassification", ic);
            if (item.Kind == "conversation")
            {
                w.WriteStartElement("annotations");
                w.WriteElementString("sextortion", "");
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return sb.ToString();
    }

    /// <summary>Only the last path segment of a name a client sent.</summary>
    public static string? SafeFileName(string? name) => name is null ? null : Path.GetFileName(name.Replace('\\', '/'));

    private static readonly XmlWriterSettings Settings = new() { Indent = true, Encoding = new UTF8Encoding(false) };

    private sealed class StringWriterUtf8(StringBuilder sb) : StringWriter(sb, System.Globalization.CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
