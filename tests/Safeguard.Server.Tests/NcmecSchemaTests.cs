using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Monitoring;
using Safeguard.Server.Api;
using Safeguard.Server.Matching;
using Safeguard.Server.Reports;
using Safeguard.Server.Review;

namespace Safeguard.Server.Tests;

/// <summary>Validates documents against the hand-written CyberTipline schema subset in Fixtures/.</summary>
public static class CyberTiplineSchema
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "cybertipline-subset.xsd");

    /// <summary>Every validation error and warning (an undeclared element is only a warning to XmlReader).</summary>
    public static List<string> Problems(string xml)
    {
        var schemas = new XmlSchemaSet();
        using (var xsd = XmlReader.Create(Path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit }))
            schemas.Add(null, xsd);
        schemas.Compile();
        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings, // schemaLocation hints are ignored
            DtdProcessing = DtdProcessing.Prohibit,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}");
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            while (reader.Read()) { }
        }
        catch (XmlException e) { problems.Add("not well-formed: " + e.Message); }
        return problems;
    }

    public static void AssertValid(string xml)
    {
        var problems = Problems(xml);
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n---\n" + xml);
    }
}

/// <summary>
/// CyberTipline report and fileDetails documents from the real writer, for generated items (hashes of random
/// bytes, made-up names, hostile text), checked against the schema subset, then read back.
/// </summary>
public sealed class NcmecSchemaTests
{
    private static readonly DateTimeOffset Incident = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.FromHours(-7));

    [Fact]
    public void The_schema_subset_accepts_a_well_formed_pair_and_rejects_each_known_mistake()
    {
        const string report = """
            <report><incidentSummary><incidentType>Child Sex Trafficking</incidentType>
            <reportAnnotations><sextortion>false</sextortion></reportAnnotations>
            <incidentDateTime>2020-01-02T03:04:05-07:00</incidentDateTime></incidentSummary>
            <reporter><reportingPerson><firstName>A</firstName><lastName>B</lastName><email>a@example.org</email></reportingPerson></reporter>
            <additionalInfo>x</additionalInfo></report>
            """;
        const string file = """
            <fileDetails><reportId>9</reportId><fileId>f</fileId><originalFileName>n.jpg</originalFileName>
            <fileViewedByEsp>true</fileViewedByEsp><publiclyAvailable>false</publiclyAvailable>
            <industryClassification>B2</industryClassification>
            <originalFileHash hashType="MD5">00</originalFileHash><originalFileHash hashType="SHA1">11</originalFileHash></fileDetails>
            """;
        CyberTiplineSchema.AssertValid(report);
        CyberTiplineSchema.AssertValid(file);

        string[] wrong =
        [
            // Sequence order: reporter before incidentSummary; incidentDateTime before reportAnnotations; lastName before firstName.
            report.Replace("<incidentSummary>", "<reporter><reportingPerson/></reporter><incidentSummary>"),
            report.Replace("<reportAnnotations><sextortion>false</sextortion></reportAnnotations>\n", "")
                  .Replace("</incidentSummary>", "<reportAnnotations/></incidentSummary>"),
            report.Replace("<firstName>A</firstName><lastName>B</lastName>", "<lastName>B</lastName><firstName>A</firstName>"),
            // Hashes before the classification (the order this writer used to have).
            file.Replace("<industryClassification>B2</industryClassification>\n", "").Replace("</fileDetails>", "<industryClassification>B2</industryClassification></fileDetails>"),
            // Names and case.
            file.Replace("</fileDetails>", "<annotations><sextortion>true</sextortion></annotations></fileDetails>"),
            report.Replace("incidentType>", "IncidentType>"),
            // Enumerations and types.
            report.Replace("Child Sex Trafficking", "Child Pornography"),
            file.Replace(">B2<", ">C1<"),
            report.Replace("<sextortion>false</sextortion>", "<sextortion></sextortion>"),
            file.Replace("<reportId>9</reportId>", "<reportId>REPORT_ID</reportId>"),
            file.Replace("<fileViewedByEsp>true", "<fileViewedByEsp>yes"),
            report.Replace("2020-01-02T03:04:05-07:00", "2020-01-02 03:04:05"),
            // Attribute, not element; and required.
            file.Replace("<originalFileHash hashType=\"MD5\">00</originalFileHash>", "<originalFileHash><hashType>MD5</hashType>00</originalFileHash>"),
            file.Replace(" hashType=\"SHA1\"", ""),
            // Required elements.
            report.Replace("<incidentDateTime>2020-01-02T03:04:05-07:00</incidentDateTime>", ""),
            report.Replace("<incidentType>Child Sex Trafficking</incidentType>", ""),
            file.Replace("<fileId>f</fileId>", ""),
            // No namespace.
            report.Replace("<report>", "<report xmlns=\"urn:example\">"),
        ];
        foreach (var doc in wrong) Assert.True(CyberTiplineSchema.Problems(doc).Count > 0, "accepted:\n" + doc);
    }

    [Fact]
    public void Reports_for_each_mix_of_items_conform_and_say_what_the_items_are()
    {
        var rng = new Random(20260314);
        var media = MediaItem(rng, 1, "holiday/IMG_0001.jpg", "A1");
        var hashOnly = new ReviewItem { Id = 2, Kind = "hash-hit", Md5 = Hex(MD5.HashData(Bytes(rng))), Category = "VICS-1", CreatedAt = Incident.AddHours(1) };
        var coercion = Conversation(3, ConversationStage.Coercion, IndicatorFamily.Coercion);
        var grooming = Conversation(4, ConversationStage.Isolation, IndicatorFamily.Isolation);
        ReviewItem[][] sets = [[media], [hashOnly], [coercion], [grooming], [coercion, grooming], [media, hashOnly, grooming], [media, coercion]];
        string?[] notes = [null, "", "   ", "Reported by a user; account disabled."];
        NcmecReport.Reporter[] reporters = [new("Ada Lovelace", "ada@example.org"), new("Mononym", ""), new("Grace Brewster Hopper", "  ")];

        foreach (var items in sets)
            foreach (var note in notes)
                foreach (var reporter in reporters)
                {
                    var xml = NcmecReport.Report(items, reporter, Incident, note);
                    CyberTiplineSchema.AssertValid(xml);
                    var root = XDocument.Parse(xml).Root!;
                    Assert.Equal(XNamespace.None, root.Name.Namespace);
                    var summary = root.Element("incidentSummary")!;

                    bool onlyConversations = items.All(i => i.Kind == "conversation");
                    Assert.Equal(onlyConversations ? "Online Enticement of Children for Sexual Acts" : "Child Pornography (possession, manufacture, and distribution)",
                        summary.Element("incidentType")!.Value);
                    var sextortion = summary.Element("reportAnnotations")?.Element("sextortion")?.Value;
                    Assert.Equal(items.Contains(coercion) ? "true" : null, sextortion);

                    var when = summary.Element("incidentDateTime")!.Value;
                    Assert.EndsWith("Z", when);
                    Assert.Equal(Incident.ToUnixTimeSeconds(), XmlConvert.ToDateTimeOffset(when).ToUnixTimeSeconds());

                    var person = root.Element("reporter")!.Element("reportingPerson")!;
                    var names = reporter.Name.Split(' ', 2);
                    Assert.Equal(names[0], person.Element("firstName")?.Value);
                    Assert.Equal(names.Length > 1 ? names[1] : null, person.Element("lastName")?.Value);
                    Assert.Equal(string.IsNullOrWhiteSpace(reporter.Email) ? null : reporter.Email, person.Element("email")?.Value);

                    var info = root.Element("additionalInfo")!.Value.Split('\n');
                    var lines = string.IsNullOrWhiteSpace(note) ? info : info.Skip(1).ToArray();
                    if (!string.IsNullOrWhiteSpace(note)) Assert.Equal(note, info[0]);
                    Assert.Equal(items.Select(i => i.Id), lines.Select(l => long.Parse(l.Split(' ', ':')[1], CultureInfo.InvariantCulture)));
                }
    }

    [Fact]
    public void File_details_conform_with_optional_parts_present_and_absent()
    {
        var rng = new Random(7);
        var bytes = Bytes(rng);
        var full = MediaItem(rng, 10, @"C:\Users\someone\Desktop\scan 0001.png", "B2") with
        {
            Md5 = Hex(MD5.HashData(bytes)), Sha1 = Hex(SHA1.HashData(bytes)), Sha256 = Hex(SHA256.HashData(bytes)),
        };
        var bare = new ReviewItem { Id = 11, Kind = "hash-hit", Sha256 = Hex(SHA256.HashData(bytes)), Category = "UK-A" };
        var unnamed = full with { Id = 12, FileName = null, IndustryClassification = null, Pdq = null };
        var conversation = Conversation(13, ConversationStage.Requests, IndicatorFamily.Requests);

        foreach (var item in new[] { full, bare, unnamed, conversation })
            foreach (var reportId in new[] { 0L, 42L, long.MaxValue })
                foreach (var facts in new NcmecReport.FileFacts[] { new(true, null), new(false, true), new(false, false) })
                {
                    var xml = NcmecReport.FileDetails(item, reportId, "file-" + item.Id, facts);
                    CyberTiplineSchema.AssertValid(xml);
                    var root = XDocument.Parse(xml).Root!;
                    Assert.Equal("fileDetails", root.Name.LocalName);
                    Assert.Equal(reportId, long.Parse(root.Element("reportId")!.Value, CultureInfo.InvariantCulture));
                    Assert.Equal("file-" + item.Id, root.Element("fileId")!.Value);
                    Assert.Equal(item == full ? "scan 0001.png" : null, root.Element("originalFileName")?.Value);
                    Assert.Equal(facts.ViewedByEsp ? "true" : "false", root.Element("fileViewedByEsp")!.Value);
                    Assert.Equal(facts.PubliclyAvailable?.ToString().ToLowerInvariant(), root.Element("publiclyAvailable")?.Value);
                    Assert.Equal(item.IndustryClassification, root.Element("industryClassification")?.Value);

                    var hashes = root.Elements("originalFileHash").ToDictionary(e => e.Attribute("hashType")!.Value, e => e.Value);
                    var expected = new Dictionary<string, string?> { ["MD5"] = item.Md5, ["SHA1"] = item.Sha1, ["SHA256"] = item.Sha256, ["PDQ"] = item.Pdq }
                        .Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!);
                    Assert.Equal(expected.OrderBy(kv => kv.Key), hashes.OrderBy(kv => kv.Key));
                }
        Assert.Throws<ArgumentException>(() => NcmecReport.FileDetails(full, 1, "\u0001 \u0002", new(false, null)));
    }

    [Fact]
    public void Hostile_text_is_escaped_or_dropped_and_every_document_stays_valid()
    {
        var rng = new Random(1337);
        for (int round = 0; round < 400; round++)
        {
            string note = Hostile(rng), name = Hostile(rng), email = Hostile(rng), fileName = Hostile(rng), fileId = "f" + Hostile(rng), bank = Hostile(rng);

            var report = NcmecReport.Report([], new NcmecReport.Reporter(name, email), Incident, note);
            CyberTiplineSchema.AssertValid(report);
            var person = XDocument.Parse(report).Root!.Element("reporter")!.Element("reportingPerson")!;
            Assert.Equal(Expected(note), XDocument.Parse(report).Root!.Element("additionalInfo")?.Value ?? "");
            Assert.Equal(Expected(email), person.Element("email")?.Value ?? "");
            Assert.Equal(WithoutWhiteSpace(Expected(name)),
                WithoutWhiteSpace((person.Element("firstName")?.Value ?? "") + (person.Element("lastName")?.Value ?? "")));

            var item = MediaItem(rng, round, fileName, null) with
            {
                Matches = [new ItemMatch(bank, "md5", "00", "00", null, 1, null, 0, true)],
            };
            var withItem = NcmecReport.Report([item], new NcmecReport.Reporter(name, email), Incident, note);
            CyberTiplineSchema.AssertValid(withItem);
            Assert.DoesNotContain(XDocument.Parse(withItem).Root!.Element("additionalInfo")!.Value, c => char.IsControl(c) && c is not '\t' and not '\n');

            var details = NcmecReport.FileDetails(item, round, fileId, new(round % 2 == 0, null));
            CyberTiplineSchema.AssertValid(details);
            var root = XDocument.Parse(details).Root!;
            Assert.Equal(Expected(fileId), root.Element("fileId")!.Value);
            var lastSegment = Expected(fileName.Split('/', '\\')[^1]);
            Assert.Equal(lastSegment.Length > 0 ? lastSegment : null, root.Element("originalFileName")?.Value);
        }
    }

    /// <summary>What survives of hostile text: characters XML 1.0 allows that are not controls (tab and line breaks
    /// stay), line breaks as a parser reports them, surrounding white space trimmed.</summary>
    private static string Expected(string text)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) { sb.Append(text, i, 2); i++; }
            else if (XmlConvert.IsXmlChar(text[i]) && (!char.IsControl(text[i]) || text[i] is '\t' or '\n' or '\r')) sb.Append(text[i]);
        }
        return sb.ToString().Replace("\r\n", "\n").Replace('\r', '\n').Trim();
    }

    private static string WithoutWhiteSpace(string s) => new(s.Where(c => !char.IsWhiteSpace(c)).ToArray());

    /// <summary>Text mixing markup characters, controls, lone and paired surrogates, non-characters and path separators.</summary>
    private static string Hostile(Random rng)
    {
        string[] pieces =
        [
            "<", ">", "&", "\"", "'", "]]>", "<!--", "-->", "&amp;", "&#1;", "<![CDATA[", "<?xml version=\"1.0\"?>", "<report>",
            "\0", "\u0001", "\u0008", "\u000B", "\u000C", "\u001B", "\u001F", "\u007F", "\u0085", "\u009F", "\t", "\n", "\r", "\r\n", " ",
            "\uD800", "\uDFFF", "\uDBFF\uDFFF", "\uD83D\uDE00", "\uFFFE", "\uFFFF", "\uFEFF", "\u202E", "\u00A0",
            "/", "\\", "..", "name", "Ünïcødé", "файл", "名前", ".jpg",
        ];
        var sb = new StringBuilder();
        for (int n = rng.Next(0, 12); n > 0; n--) sb.Append(pieces[rng.Next(pieces.Length)]);
        return sb.ToString();
    }

    private static ReviewItem MediaItem(Random rng, long id, string? fileName, string? industryClassification)
    {
        var bytes = Bytes(rng);
        var pdq = new byte[32];
        rng.NextBytes(pdq);
        return new ReviewItem
        {
            Id = id, Kind = "media-hit", FileName = fileName, MediaType = "image/jpeg", Size = bytes.Length, CreatedAt = Incident,
            Md5 = Hex(MD5.HashData(bytes)), Sha1 = Hex(SHA1.HashData(bytes)), Sha256 = Hex(SHA256.HashData(bytes)), Pdq = Hex(pdq),
            Matches = [new ItemMatch("generated-bank", "md5", "q", "e", "c1", 1, null, 0, true)],
            Status = ReviewStatus.Confirmed, Category = "UK-C", IndustryClassification = industryClassification,
        };
    }

    /// <summary>A confirmed conversation item holding an alert serialised as the server stores it.</summary>
    private static ReviewItem Conversation(long id, ConversationStage stage, IndicatorFamily family)
    {
        var finding = new IndicatorFinding("generated-" + family.Name(), family, "generated indicator", "u1", 0.9, 1, [2], ["generated phrase"]);
        var alert = new RiskAlert("conv-" + id, 2, 0.97, RiskLevel.High, stage, "u1", [finding], [new StageReached(stage, 2, 2, null)], []);
        return new ReviewItem
        {
            Id = id, Kind = "conversation", FileName = "conv-" + id, CreatedAt = Incident, Status = ReviewStatus.Confirmed, Category = "VICS-2",
            Conversation = JsonSerializer.SerializeToElement(alert, ApiJson.Options),
        };
    }

    private static byte[] Bytes(Random rng)
    {
        var b = new byte[rng.Next(1, 4096)];
        rng.NextBytes(b);
        return b;
    }

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);
}
