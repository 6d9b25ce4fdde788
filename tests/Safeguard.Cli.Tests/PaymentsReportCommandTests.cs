using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using System.Xml.Schema;
using Safeguard.Cli.Commands.Payments;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard payments report` against a scan folder written by hand in the scan's output format.</summary>
public sealed class PaymentsReportCommandTests : CliFixture
{
    private string ScanDir => Path.Combine(Dir, "scan");
    private string FeedPath => Path.Combine(Dir, "feed.csv");
    private string EntityPath => Path.Combine(Dir, "entity.json");

    private const string Subjects =
        """
        {"subject":"C0001","role":"purchaser","score":0.93,"level":"high","indicators":[{"name":"small-cross-border","strength":0.8,"transactions":["t1","t2"]},{"name":"night-timing","strength":0.45,"transactions":["t2"]}],"counterparties":["F0001"],"first_seen":"2025-01-03T19:00:00Z","last_seen":"2025-01-06T21:10:00Z"}
        {"subject":"F0001","role":"facilitator","score":0.88,"level":"high","indicators":[{"name":"many-foreign-senders","strength":0.7,"transactions":["t1","u1"]}],"counterparties":["C0001","C0009"],"first_seen":"2025-01-03T19:00:00Z","last_seen":"2025-01-06T21:10:00Z"}
        """;

    private const string Feed =
        """
        id,timestamp,sender,sender_country,receiver,receiver_country,receiver_type,amount,currency,channel,mcc,description
        t1,2025-01-03T19:00:00Z,C0001,AU,F0001,PH,person,50.00,AUD,remittance,,school fees
        t2,2025-01-04T22:30:00Z,C0001,AU,F0002,PH,person,80.00,AUD,e_wallet,,=HYPERLINK("http://x")
        u1,2025-01-05T10:00:00Z,C0009,US,F0001,PH,person,70.00,AUD,remittance,,help
        t3,2025-01-05T21:00:00Z,C0001,AU,F0001,PH,person,30.00,AUD,bank_transfer,,gift
        u2,2025-01-06T21:10:00Z,C0001,AU,S0001,AU,business,15.00,AUD,card,5411,groceries
        """;

    private const string EntityJson =
        """
        {
          "rentity_id": 1234,
          "rentity_branch": "Head office",
          "institution_name": "Example Remit Pty Ltd",
          "reporting_person": { "first_name": "Alex", "last_name": "Officer", "email": "mlro@example.org" },
          "location": { "address_type": "BUSINESS", "address": "1 Example Street", "city": "Sydney", "country_code": "AU" }
        }
        """;

    public PaymentsReportCommandTests()
    {
        Directory.CreateDirectory(ScanDir);
        File.WriteAllText(Path.Combine(ScanDir, "subjects.jsonl"), Subjects + "\n");
        File.WriteAllText(FeedPath, Feed + "\n");
        WriteSummary(FeedPath);
        File.WriteAllText(EntityPath, EntityJson);
    }

    private void WriteSummary(string feed) =>
        File.WriteAllText(Path.Combine(ScanDir, "summary.json"), JsonSerializer.Serialize(new { feeds = new[] { feed }, rates = (string?)null, base_currency = "AUD", transactions = 5, subjects = 2 }));

    private (int Exit, string Err) Report(params string[] args)
    {
        var r = Run(["payments", "report", ScanDir, .. args]);
        return (r.Exit, r.Err);
    }

    private static List<string> SchemaErrors(string xmlFile)
    {
        var set = new XmlSchemaSet();
        set.Add(null, Path.Combine(Repository.Root, "data", "payments", "goaml", "goaml-report-subset.xsd"));
        var errors = new List<string>();
        XDocument.Load(xmlFile).Validate(set, (_, e) => errors.Add(e.Message));
        return errors;
    }

    private async Task<List<AuditEntry>> AuditEntriesAsync()
    {
        await using var db = await ServerDb.OpenAsync(Db);
        var log = new AuditLog(db);
        var entries = await log.ListAsync(0, 100, action: ReportCommand.AuditAction);
        var v = await log.VerifyAsync();
        // An empty log is reported as "nothing to verify"; any entry must sit in an intact chain.
        Assert.True(entries.Count == 0 ? v.Entries == 0 : v.Ok, v.Message);
        return entries;
    }

    [Fact]
    public async Task Goaml_report_validates_has_a_summary_and_is_audited()
    {
        var outFile = Path.Combine(Dir, "out", "c1.xml");
        var (exit, err) = Report("--subject", "C0001", "--format", "goaml", "--entity-config", EntityPath, "--out", outFile);
        Assert.True(exit == 0, err);
        Assert.Empty(SchemaErrors(outFile));
        var doc = XDocument.Load(outFile);
        // By hand: t1, t2 named by indicators, t3 with the counterparty F0001; u1 is another sender's, u2 with no counterparty.
        Assert.Equal(["t1", "t2", "t3"], doc.Root!.Elements("transaction").Select(t => t.Element("transactionnumber")!.Value));
        Assert.Equal(["small-cross-border", "night-timing"], doc.Root!.Element("report_indicators")!.Elements("indicator").Select(i => i.Value));
        var summary = File.ReadAllText(outFile + ".summary.md");
        Assert.Contains("| PH | 3 | 160.00 | 0.00 |", summary, StringComparison.Ordinal);
        Assert.Contains("moderate (0.45)", summary, StringComparison.Ordinal);

        var entry = Assert.Single(await AuditEntriesAsync());
        Assert.Equal("C0001", entry.Target);
        using var detail = JsonDocument.Parse(entry.Detail!);
        Assert.Equal("goaml", detail.RootElement.GetProperty("format").GetString());
        Assert.Equal(outFile, detail.RootElement.GetProperty("out").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(outFile))), detail.RootElement.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Csv_report_for_a_facilitator()
    {
        var (exit, err) = Report("--subject", "F0001", "--format", "csv");
        Assert.True(exit == 0, err);
        var file = Path.Combine(ScanDir, "report-F0001.csv");
        var rows = SafeguardProcess.ParseCsv(File.ReadAllText(file));
        Assert.Equal(["t1", "u1", "t3"], rows.Skip(1).Select(r => r[0]));
        Assert.True(File.Exists(file + ".summary.md"));
        Assert.Equal("F0001", Assert.Single(await AuditEntriesAsync()).Target);
    }

    [Fact]
    public void Csv_fields_are_guarded()
    {
        var (exit, err) = Report("--subject", "C0001", "--format", "csv");
        Assert.True(exit == 0, err);
        var rows = SafeguardProcess.ParseCsv(File.ReadAllText(Path.Combine(ScanDir, "report-C0001.csv")));
        Assert.Equal("'=HYPERLINK(\"http://x\")", rows.Single(r => r[0] == "t2")[10]);
        Assert.Equal("small-cross-border;night-timing", rows.Single(r => r[0] == "t2")[11]);
    }

    [Fact]
    public async Task Unknown_subject_is_exit_1_and_nothing_is_audited()
    {
        var (exit, err) = Report("--subject", "NOBODY", "--format", "csv");
        Assert.Equal(1, exit);
        Assert.Contains("unknown subject 'NOBODY'", err, StringComparison.Ordinal);
        Assert.Empty(await AuditEntriesAsync());
    }

    [Fact]
    public void Corrupt_subject_lines_are_named_by_line()
    {
        File.WriteAllText(Path.Combine(ScanDir, "subjects.jsonl"), "{\"subject\":\"X\",\n" + Subjects + "\nnot json\n");
        var (exit, err) = Report("--subject", "C0001", "--format", "csv");
        Assert.Equal(1, exit);
        var file = Path.Combine(ScanDir, "subjects.jsonl");
        Assert.Contains($"{file}:1:", err, StringComparison.Ordinal);
        Assert.Contains($"{file}:4:", err, StringComparison.Ordinal);
        // The subject itself was readable: its report is written all the same.
        Assert.True(File.Exists(Path.Combine(ScanDir, "report-C0001.csv")));
    }

    [Fact]
    public void Missing_subjects_file_is_a_clear_error()
    {
        File.Delete(Path.Combine(ScanDir, "subjects.jsonl"));
        var (exit, err) = Report("--subject", "C0001", "--format", "csv");
        Assert.Equal(1, exit);
        Assert.Contains("subjects.jsonl: no such file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Feed_gone_is_named()
    {
        File.Delete(FeedPath);
        var (exit, err) = Report("--subject", "C0001", "--format", "csv");
        Assert.Equal(1, exit);
        Assert.Contains($"feed {FeedPath}: no such file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Standard_input_feed_needs_feed_option()
    {
        WriteSummary("-");
        var (exit, err) = Report("--subject", "C0001", "--format", "csv");
        Assert.Equal(2, exit);
        Assert.Contains("--feed", err, StringComparison.Ordinal);
        var copy = Path.Combine(Dir, "copy.csv");
        File.Copy(FeedPath, copy);
        (exit, err) = Report("--subject", "C0001", "--format", "csv", "--feed", copy);
        Assert.True(exit == 0, err);
    }

    [Fact]
    public void Local_currency_comes_from_the_feed_when_the_summary_has_none()
    {
        File.WriteAllText(Path.Combine(ScanDir, "summary.json"), JsonSerializer.Serialize(new { feeds = new[] { FeedPath } }));
        var (exit, err) = Report("--subject", "C0001", "--format", "goaml", "--entity-config", EntityPath);
        Assert.True(exit == 0, err);
        Assert.Equal("AUD", XDocument.Load(Path.Combine(ScanDir, "report-C0001.xml")).Root!.Element("currency_code_local")!.Value);
    }

    [Fact]
    public void Malformed_feed_rows_are_named_and_the_rest_reported()
    {
        File.AppendAllText(FeedPath, "t9,not-a-time,C0001,AU,F0001,PH,person,5.00,AUD,remittance,,x\n");
        var (exit, err) = Report("--subject", "C0001", "--format", "csv");
        Assert.Equal(1, exit);
        Assert.Contains($"{FeedPath}:7:", err, StringComparison.Ordinal);
        var rows = SafeguardProcess.ParseCsv(File.ReadAllText(Path.Combine(ScanDir, "report-C0001.csv")));
        Assert.Equal(["t1", "t2", "t3"], rows.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task Goaml_without_entity_details_is_a_usage_error()
    {
        var (exit, err) = Report("--subject", "C0001", "--format", "goaml");
        Assert.Equal(2, exit);
        Assert.Contains("rentity_id", err, StringComparison.Ordinal);
        Assert.Contains("reporting_person", err, StringComparison.Ordinal);
        (exit, _) = Report("--subject", "C0001", "--format", "pdf");
        Assert.Equal(2, exit);
        Assert.Empty(await AuditEntriesAsync());
    }
}
