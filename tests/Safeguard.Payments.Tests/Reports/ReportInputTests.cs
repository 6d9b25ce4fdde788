using System.Text;
using System.Xml;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Reports;
using static Safeguard.Payments.Tests.Reports.ReportFixture;

namespace Safeguard.Payments.Tests.Reports;

public sealed class ReportInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Cap_keeps_named_transactions_and_the_latest_others()
    {
        var feed = new List<Transaction>();
        for (int i = 0; i < 20; i++) feed.Add(Tx($"c{i:00}", i, "C0001", i % 2 == 0 ? "F0001" : "F0002", 10m + i));
        feed.Add(Tx("t1", 100, "C0001", "F0001", 1m));
        feed.Add(Tx("t2", -5, "C0001", "X9", 1m));   // named, though not with a counterparty
        var c = TransactionSelector.Select(Purchaser(), feed, "AUD", ["f"], cap: 7);
        // Brute force: 2 named, 5 room; the others by time are c00..c19, the latest five c15..c19.
        Assert.Equal(["t2", "c15", "c16", "c17", "c18", "c19", "t1"], c.Transactions.Select(t => t.Id));
        Assert.Equal(15, c.Omitted);
        Assert.Empty(c.NotFound);
    }

    [Fact]
    public void Cap_holds_over_a_long_feed()
    {
        var feed = Enumerable.Range(0, 50_000).Select(i => Tx($"x{i}", i, i % 3 == 0 ? "F0001" : "C0001", i % 3 == 0 ? "C0001" : "F0002", 1m));
        var c = TransactionSelector.Select(Purchaser(), feed, "AUD", ["f"], cap: 1000);
        Assert.Equal(1000, c.Transactions.Count);
        Assert.Equal(49_000, c.Omitted);
        Assert.Equal("x49000", c.Transactions[0].Id);
        Assert.Equal(["t1", "t2"], c.NotFound);
    }

    [Fact]
    public void Duplicate_ids_count_once()
    {
        var feed = new List<Transaction> { Tx("t1", 0, "C0001", "F0001", 1m), Tx("t1", 0, "C0001", "F0001", 1m), Tx("t3", 1, "C0001", "F0001", 1m), Tx("t3", 1, "C0001", "F0001", 1m) };
        var c = TransactionSelector.Select(Purchaser(), feed, "AUD", ["f"]);
        Assert.Equal(["t1", "t3"], c.Transactions.Select(t => t.Id));
    }

    [Fact]
    public void Subjects_file_reports_bad_lines_by_number()
    {
        var path = Path.Combine(_dir, "subjects.jsonl");
        File.WriteAllLines(path,
        [
            """{"subject":"C0002","role":"purchaser","score":0.5,"level":"medium","indicators":[],"counterparties":[],"first_seen":null,"last_seen":null}""",
            """{"subject":"C0001","role":"purchaser","score":0.93""",
            "",
            """{"subject":"C0001","role":"buyer","score":0.9,"level":"high","indicators":[],"counterparties":[]}""",
            """{"subject":"C0001","role":"purchaser","score":0.93,"level":"high","indicators":[{"name":"small-cross-border","strength":0.8,"transactions":["t1"]}],"counterparties":["F0001"],"first_seen":"2025-01-03T19:00:00Z","last_seen":"2025-12-30T21:10:00Z"}""",
            """{"subject":"C0003","role":"facilitator","score":7,"level":"high","indicators":[],"counterparties":[]}""",
        ]);
        var r = SubjectsFile.Find(path, "C0001");
        var m = Assert.Single(r.Matches);
        Assert.Equal(0.93, m.Score);
        Assert.Equal("F0001", Assert.Single(m.Counterparties));
        Assert.Equal(new DateTimeOffset(2025, 12, 30, 21, 10, 0, TimeSpan.Zero), m.LastSeen);
        Assert.Equal([2L, 4L, 6L], r.Errors.Select(e => e.Line));
        Assert.All(r.Errors, e => Assert.StartsWith($"{path}:{e.Line}: ", e.ToString(), StringComparison.Ordinal));
        Assert.Contains("role", r.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("score", r.Errors[2].Message, StringComparison.Ordinal);
        Assert.Empty(SubjectsFile.Find(path, "NOBODY").Matches);
    }

    [Fact]
    public void Over_long_and_truncated_subject_lines_are_reported()
    {
        var path = Path.Combine(_dir, "subjects.jsonl");
        string good = """{"subject":"C0001","role":"purchaser","score":0.9,"level":"high","indicators":[],"counterparties":[]}""";
        File.WriteAllText(path, "{\"subject\":\"" + new string('x', SubjectsFile.MaxLineChars) + "\"}\n" + good + "\r\n" + good[..40]);
        var r = SubjectsFile.Find(path, "C0001");
        Assert.Single(r.Matches);
        Assert.Equal([1L, 3L], r.Errors.Select(e => e.Line));
        Assert.Contains("longer than", r.Errors[0].Message, StringComparison.Ordinal);
        File.WriteAllText(path, "");
        Assert.Contains("empty", Assert.Single(SubjectsFile.Find(path, "C0001").Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_json_gives_feeds_rates_and_base_currency()
    {
        var path = Path.Combine(_dir, "summary.json");
        File.WriteAllText(path, """{"feeds":["/data/a.csv","-"],"rates":null,"base_currency":"AUD","transactions":12,"subjects":3}""");
        var s = ScanSummary.Read(path);
        Assert.Equal(["/data/a.csv", "-"], s.Feeds);
        Assert.Null(s.Rates);
        Assert.Equal("AUD", s.BaseCurrency);
        File.WriteAllText(path, """{"feeds":["/data/a.csv" """);
        Assert.Throws<FormatException>(() => ScanSummary.Read(path));
    }

    [Fact]
    public void Xml_text_keeps_exactly_the_allowed_characters()
    {
        var rng = new Random(12);
        for (int round = 0; round < 2000; round++)
        {
            var chars = new char[rng.Next(0, 40)];
            for (int i = 0; i < chars.Length; i++)
                chars[i] = rng.Next(4) switch { 0 => (char)rng.Next(0, 0x20), 1 => (char)rng.Next(0xD800, 0xE000), 2 => (char)rng.Next(0xFFF0, 0x10000), _ => (char)rng.Next(0x20, 0x3000) };
            var s = new string(chars);
            var expected = new StringBuilder();
            for (int i = 0; i < s.Length; i++)
            {
                if (i + 1 < s.Length && XmlConvert.IsXmlSurrogatePair(s[i + 1], s[i])) { expected.Append(s, i, 2); i++; }
                else if (XmlConvert.IsXmlChar(s[i])) expected.Append(s[i]);
            }
            var want = expected.ToString().Trim();
            var got = XmlSafeText.Clean(s, 1000);
            Assert.Equal(want, got);
            // Cut short: a prefix of the full result, never half a surrogate pair, within the limit.
            var cut = XmlSafeText.Clean(s, 10);
            Assert.True(cut.Length <= 10);
            if (want.Length > 10)
            {
                Assert.EndsWith("…", cut, StringComparison.Ordinal);
                Assert.StartsWith(cut[..^1].TrimEnd(), want, StringComparison.Ordinal);
            }
            else Assert.Equal(want, cut);
            XmlConvert.VerifyXmlChars(cut);
        }
    }

    [Fact]
    public void Csv_rows_are_guarded_against_formulas()
    {
        var feed = new List<Transaction>
        {
            Tx("t1", 0, "C0001", "F0001", 50m, description: "=HYPERLINK(\"http://x\",\"gift\")"),
            Tx("t3", 1, "C0001", "F0001", 25.5m, description: "line\nbreak, comma"),
        };
        var c = TransactionSelector.Select(Purchaser(), feed, "AUD", ["f"]);
        var text = Encoding.UTF8.GetString(CsvReportWriter.Write(c));
        var rows = ParseCsv(text);
        Assert.Equal(CsvReportWriter.Columns, rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.Equal("'=HYPERLINK(\"http://x\",\"gift\")", rows[1][10]);
        Assert.Equal("small-cross-border", rows[1][11]);
        Assert.Equal("line\nbreak, comma", rows[2][10]);
        Assert.Equal("", rows[2][11]);
        Assert.Equal(["t3", "2025-01-03T20:00:00Z", "C0001", "F0001", "AU", "PH", "25.5", "AUD", "25.5", "remittance"], rows[2][..10]);
    }

    [Fact]
    public void Summary_totals_by_country_and_channel()
    {
        var c = TransactionSelector.Select(Purchaser(), SampleFeed(), "AUD", ["f"]);
        var md = ReportSummaryWriter.Write(c, "/x/C0001.goaml.xml");
        Assert.Contains("Risk level: **high** (score 0.93 of 1)", md, StringComparison.Ordinal);
        Assert.Contains("small cross-border transfers to private persons in high-risk countries (small-cross-border): very strong (0.80), 2 transactions", md, StringComparison.Ordinal);
        // By hand: t1 50 + t2 120.50 + t3 30 sent to PH, t4 5 received from PH.
        Assert.Contains("| PH | 4 | 200.50 | 5.00 |", md, StringComparison.Ordinal);
        Assert.Contains("| remittance | 2 | 50.00 | 5.00 |", md, StringComparison.Ordinal);
        Assert.Contains("| e\\_wallet | 1 | 120.50 | 0.00 |", md, StringComparison.Ordinal);
        Assert.Contains("| bank\\_transfer | 1 | 30.00 | 0.00 |", md, StringComparison.Ordinal);
        Assert.Contains("- F0002", md, StringComparison.Ordinal);
        Assert.Contains("300 days", md, StringComparison.Ordinal);
    }

    /// <summary>RFC 4180, written here independently of the code under test.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var f = new StringBuilder();
        bool q = false;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (q)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { f.Append('"'); i++; }
                else if (ch == '"') q = false;
                else f.Append(ch);
            }
            else if (ch == '"') q = true;
            else if (ch == ',') { row.Add(f.ToString()); f.Clear(); }
            else if (ch == '\n') { row.Add(f.ToString()); f.Clear(); rows.Add([.. row]); row.Clear(); }
            else f.Append(ch);
        }
        return rows;
    }
}
