using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard payments make-feed` and `scan` as a user runs them: the real program, real files.</summary>
public sealed class PaymentsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-payments-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Make_feed_then_scan_finds_the_planted_subjects_and_writes_every_output()
    {
        var made = SafeguardProcess.Run(["payments", "make-feed", "--out", P("feed.csv"), "--truth", P("truth.json"), "--seed", "9"]);
        Assert.Equal(0, made.Exit);
        var scan = SafeguardProcess.Run(["payments", "scan", P("feed.csv"), "--out", P("out")]);
        Assert.True(scan.Exit == 0, scan.Err);
        Assert.Contains("transactions read, 0 rows failed", scan.Out);

        using var truth = JsonDocument.Parse(File.ReadAllText(P("truth.json")));
        var planted = truth.RootElement.GetProperty("accounts").EnumerateArray()
            .Where(a => a.GetProperty("role").GetString() != "none")
            .ToDictionary(a => a.GetProperty("account").GetString()!, a => a.GetProperty("role").GetString()!);
        var lines = File.ReadAllLines(P("out/subjects.jsonl"));
        var flagged = lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Where(s => s.GetProperty("level").GetString() is "high" or "critical").ToList();
        int correct = flagged.Count(s => planted.GetValueOrDefault(s.GetProperty("subject").GetString()!) == s.GetProperty("role").GetString());
        Assert.True(correct >= 0.9 * planted.Count, $"{correct} of {planted.Count} planted subjects at high or critical");
        Assert.True(correct >= 0.9 * flagged.Count, $"{correct} of {flagged.Count} flagged are planted");

        var first = flagged[0];
        foreach (var field in new[] { "subject", "role", "score", "level", "indicators", "counterparties", "first_seen", "last_seen" })
            Assert.True(first.TryGetProperty(field, out _), field);
        Assert.NotEmpty(first.GetProperty("indicators")[0].GetProperty("transactions").EnumerateArray());

        using var network = JsonDocument.Parse(File.ReadAllText(P("out/network.json")));
        var nodes = network.RootElement.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ToHashSet();
        Assert.All(network.RootElement.GetProperty("edges").EnumerateArray(), e =>
        {
            Assert.Contains(e.GetProperty("from").GetString(), nodes);
            Assert.Contains(e.GetProperty("to").GetString(), nodes);
        });
        using var summary = JsonDocument.Parse(File.ReadAllText(P("out/summary.json")));
        Assert.Equal(Path.GetFullPath(P("feed.csv")), summary.RootElement.GetProperty("feeds")[0].GetString());
        Assert.Equal("USD", summary.RootElement.GetProperty("base_currency").GetString());
    }

    [Fact]
    public void Bad_rows_give_exit_1_with_file_and_line_and_the_good_rows_are_scanned()
    {
        File.WriteAllText(P("bad.csv"),
            "id,timestamp,sender,sender_country,receiver,receiver_country,receiver_type,amount,currency,channel,mcc,description\n" +
            "t1,2025-03-01T19:04:11Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\n" +
            "t2,2025-03-01T19:05:11Z,alice,AU,bob,PH,person,-45,USD,remittance,,gift\n" +
            "t3,2025-03-01T19:06:11Z,alice,AU,bob,PH,person,45,USD,remittance,,gift\n");
        var scan = SafeguardProcess.Run(["payments", "scan", P("bad.csv"), "--out", P("out")]);
        Assert.Equal(1, scan.Exit);
        Assert.Contains($"{P("bad.csv")}:3: negative amount", scan.Err);
        Assert.Contains("2 transactions read, 1 rows failed", scan.Out);
        Assert.True(File.Exists(P("out/summary.json")));
    }

    [Fact]
    public void Standard_input_json_lines_and_rates_work_together()
    {
        File.WriteAllText(P("rates.csv"), "currency,rate_to_base\nUSD,1\nEUR,1.1\n");
        var stdin = string.Join("\n", Enumerable.Range(0, 30).Select(i =>
            $"{{\"id\":\"t{i}\",\"timestamp\":\"2025-0{1 + i / 10}-{10 + i % 10}T11:00:00Z\",\"sender\":\"s\",\"sender_country\":\"AU\",\"receiver\":\"r\",\"receiver_country\":\"PH\",\"receiver_type\":\"person\",\"amount\":30,\"currency\":\"{(i % 2 == 0 ? "EUR" : "USD")}\",\"channel\":\"e_wallet\",\"description\":\"load\"}}"));
        var scan = SafeguardProcess.Run(["payments", "scan", "-", "--format", "jsonl", "--rates", P("rates.csv"), "--out", P("out")], stdin: stdin);
        Assert.True(scan.Exit == 0, scan.Err);
        Assert.Contains("30 transactions read, 0 rows failed", scan.Out);
        var subject = JsonDocument.Parse(File.ReadAllLines(P("out/subjects.jsonl")).Single()).RootElement;
        Assert.Equal("s", subject.GetProperty("subject").GetString());
        Assert.Contains(subject.GetProperty("indicators").EnumerateArray(), h => h.GetProperty("name").GetString() == "evening-night");
    }

    [Theory]
    [InlineData("--min-level", "extreme")]
    [InlineData("--format", "xml")]
    [InlineData("--map", "nonsense=x")]
    [InlineData("--rates", "/nonexistent/rates.csv")]
    [InlineData("--known", "/nonexistent/known.txt")]
    public void Bad_options_are_usage_errors(string option, string value)
    {
        File.WriteAllText(P("empty.csv"), "id,timestamp,sender,receiver,amount\n");
        var scan = SafeguardProcess.Run(["payments", "scan", P("empty.csv"), "--out", P("out"), option, value]);
        Assert.Equal(2, scan.Exit);
        Assert.Contains(option, scan.Err);
    }
}
