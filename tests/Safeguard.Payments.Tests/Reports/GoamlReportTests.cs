using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Reports;
using static Safeguard.Payments.Tests.Reports.ReportFixture;

namespace Safeguard.Payments.Tests.Reports;

public class GoamlReportTests
{
    /// <summary>The schema file in data/, compiled here (not through the code under test).</summary>
    private static XmlSchemaSet SchemaFromDisk()
    {
        var set = new XmlSchemaSet();
        set.Add(null, SchemaFile);
        set.Compile();
        return set;
    }

    private static List<string> Errors(XDocument doc)
    {
        var errors = new List<string>();
        doc.Validate(SchemaFromDisk(), (_, e) => errors.Add(e.Message));
        return errors;
    }

    private static byte[] Report(ReportCase c, ReportingEntity? e = null) =>
        GoamlReportWriter.Write(c, new GoamlReportWriter.Options
        {
            Entity = e ?? Entity(), EntityReference = "REF-1", SubmissionDate = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        });

    private static ReportCase Case(IEnumerable<Transaction>? feed = null, ScanSubject? subject = null) =>
        TransactionSelector.Select(subject ?? Purchaser(), feed ?? SampleFeed(), "AUD", ["feed.csv"]);

    [Fact]
    public void Generated_report_is_valid_against_the_schema_subset()
    {
        var bytes = Report(Case());
        var doc = XDocument.Load(new MemoryStream(bytes));
        Assert.Empty(Errors(doc));
        // The embedded copy of the schema agrees.
        Assert.Empty(GoamlCodes.Validate(new MemoryStream(bytes)));
    }

    [Fact]
    public void Embedded_schema_is_the_file_in_data()
    {
        using var s = typeof(GoamlCodes).Assembly.GetManifestResourceStream(GoamlCodes.SchemaResource)!;
        using var r = new StreamReader(s);
        Assert.Equal(File.ReadAllText(SchemaFile), r.ReadToEnd());
    }

    [Theory]
    [InlineData("remove rentity_id")]
    [InlineData("remove report_indicators")]
    [InlineData("remove t_to")]
    [InlineData("swap submission_code and report_code")]
    [InlineData("move reason after transactions")]
    [InlineData("bad report_code")]
    [InlineData("date with zone")]
    [InlineData("three decimals")]
    [InlineData("unknown element")]
    public void Broken_reports_do_not_validate(string breakage)
    {
        var doc = XDocument.Load(new MemoryStream(Report(Case())));
        var root = doc.Root!;
        var tx = root.Element("transaction")!;
        switch (breakage)
        {
            case "remove rentity_id": root.Element("rentity_id")!.Remove(); break;
            case "remove report_indicators": root.Element("report_indicators")!.Remove(); break;
            case "remove t_to": tx.Element("t_to")!.Remove(); break;
            case "swap submission_code and report_code":
                var sub = root.Element("submission_code")!;
                sub.Remove();
                root.Element("report_code")!.AddAfterSelf(sub);
                break;
            case "move reason after transactions":
                var reason = root.Element("reason")!;
                reason.Remove();
                root.Elements("transaction").Last().AddAfterSelf(reason);
                break;
            case "bad report_code": root.Element("report_code")!.Value = "XYZ"; break;
            case "date with zone": tx.Element("date_transaction")!.Value = "2025-01-03T19:00:00Z"; break;
            case "three decimals": tx.Element("amount_local")!.Value = "1.234"; break;
            case "unknown element": tx.Element("amount_local")!.AddAfterSelf(new XElement("amount_foreign", "1")); break;
        }
        Assert.NotEmpty(Errors(doc));
    }

    [Fact]
    public void Report_holds_the_right_transactions_and_amounts()
    {
        var doc = XDocument.Load(new MemoryStream(Report(Case())));
        var root = doc.Root!;
        // Expected by hand: t1, t2 named; t3, t4 with counterparties; u1-u3 not the subject's or not with counterparties.
        Assert.Equal(["t1", "t2", "t3", "t4"], root.Elements("transaction").Select(t => t.Element("transactionnumber")!.Value));
        var t2 = root.Elements("transaction").Single(t => t.Element("transactionnumber")!.Value == "t2");
        Assert.Equal("120.50", t2.Element("amount_local")!.Value);
        var fx = t2.Element("t_from")!.Element("from_foreign_currency")!;
        Assert.Equal("USD", fx.Element("foreign_currency_code")!.Value);
        Assert.Equal("80.00", fx.Element("foreign_amount")!.Value);
        Assert.Equal(120.50m / 80m, decimal.Parse(fx.Element("foreign_exchange_rate")!.Value, CultureInfo.InvariantCulture));
        Assert.Equal("E_WALLET", t2.Element("transmode_code")!.Value);
        Assert.Equal("2025-01-04T19:00:00", t2.Element("date_transaction")!.Value);
        // The subject's side is at the reporting entity; the other is not named by the feed.
        Assert.Equal("Example Remit Pty Ltd", t2.Element("t_from")!.Element("from_account")!.Element("institution_name")!.Value);
        Assert.Equal("C0001", t2.Element("t_from")!.Element("from_account")!.Element("account")!.Value);
        Assert.Equal("F0002", t2.Element("t_to")!.Element("to_account")!.Element("account")!.Value);
        Assert.Equal("PH", t2.Element("t_to")!.Element("to_country")!.Value);
        var t1 = root.Elements("transaction").First();
        Assert.Null(t1.Element("t_from")!.Element("from_foreign_currency"));
        Assert.Equal("50.00", t1.Element("amount_local")!.Value);
        Assert.Contains("small cross-border", t1.Element("comments")!.Value, StringComparison.Ordinal);
        Assert.Equal(["small-cross-border"], root.Element("report_indicators")!.Elements("indicator").Select(i => i.Value));
        Assert.Equal("1234", root.Element("rentity_id")!.Value);
        Assert.Equal("E", root.Element("submission_code")!.Value);
        Assert.Equal("STR", root.Element("report_code")!.Value);
        Assert.Equal("AUD", root.Element("currency_code_local")!.Value);
        Assert.Equal("2026-01-02T03:04:05", root.Element("submission_date")!.Value);
    }

    [Fact]
    public void Hostile_descriptions_are_cleaned_cut_and_still_valid()
    {
        string huge = new('A', 10 * 1024 * 1024);
        string hostile = "pay\0ment \u001b[31m \uD800 lone \uFFFE gift \uFFFD \U0001F600 ]]> </transaction_description><x>";
        var feed = new List<Transaction>
        {
            Tx("t1", 0, "C0001", "F0001", 50m, description: hostile),
            Tx("t2", 1, "C0001", "F0002", 60m, description: huge),
        };
        var bytes = Report(Case(feed));
        var doc = XDocument.Load(new MemoryStream(bytes));
        Assert.Empty(Errors(doc));
        var d = doc.Root!.Elements("transaction").Select(t => t.Element("transaction_description")!.Value).ToList();
        // Brute force: what survives is exactly the characters XML 1.0 allows.
        var expected = new System.Text.StringBuilder();
        for (int i = 0; i < hostile.Length; i++)
        {
            if (i + 1 < hostile.Length && XmlConvert.IsXmlSurrogatePair(hostile[i + 1], hostile[i])) { expected.Append(hostile, i, 2); i++; }
            else if (XmlConvert.IsXmlChar(hostile[i])) expected.Append(hostile[i]);
        }
        Assert.Equal(expected.ToString(), d[0]);
        Assert.Equal(4000, d[1].Length);
        Assert.EndsWith("…", d[1], StringComparison.Ordinal);
        Assert.True(bytes.Length < 200_000, $"{bytes.Length} bytes");
    }

    [Fact]
    public void Foreign_amount_without_a_conversion_is_a_clear_error()
    {
        var feed = new List<Transaction> { Tx("t1", 0, "C0001", "F0001", 50m, "EUR", 0m) };
        var ex = Assert.Throws<ReportDataException>(() => Report(Case(feed)));
        Assert.Contains("t1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("EUR", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_entity_details_are_named()
    {
        var e = Entity() with { RentityId = null, ReportingPerson = null };
        var problems = e.Problems();
        Assert.Contains(problems, p => p.Contains("rentity_id", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("reporting_person", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => Report(Case(), e));
        Assert.Empty(Entity().Problems());
    }

    [Fact]
    public void Entity_code_overrides_are_used()
    {
        var e = Entity() with
        {
            Channels = new() { ["remittance"] = new ChannelCode { Transmode = "K", Funds = "R1" } },
            IndicatorCodes = new() { ["small-cross-border"] = "CSE01" },
            ReportCode = "SAR",
        };
        var doc = XDocument.Load(new MemoryStream(Report(Case(), e)));
        Assert.Empty(Errors(doc));
        var t1 = doc.Root!.Elements("transaction").First();
        Assert.Equal("K", t1.Element("transmode_code")!.Value);
        Assert.Equal("R1", t1.Element("t_from")!.Element("from_funds_code")!.Value);
        Assert.Equal("CSE01", doc.Root!.Element("report_indicators")!.Element("indicator")!.Value);
        Assert.Equal("SAR", doc.Root!.Element("report_code")!.Value);
    }

    [Fact]
    public void Every_feed_channel_has_codes()
    {
        foreach (Channel ch in Enum.GetValues<Channel>())
        {
            Assert.True(GoamlCodes.Channels.TryGetValue(FeedNames.Of(ch), out var code), $"no codes for channel {ch}");
            Assert.True(GoamlCodes.IsLookupCode(code.Transmode) && GoamlCodes.IsLookupCode(code.Funds));
        }
    }
}
