using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>The `safeguard crawl` notice commands as a user runs them: the real process, a real SMTP conversation and a real HTTP site.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-crawl-cli-").FullName;
    private readonly TestSite _site = new();

    public void Dispose()
    {
        _site.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static (int Exit, string Out, string Err) Safeguard(IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "safeguard did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static (int Exit, string Out, string Err) Ok(IDictionary<string, string>? env, params string[] args)
    {
        var r = Safeguard(env, args);
        Assert.True(r.Exit == 0, $"safeguard {string.Join(' ', args)} exited {r.Exit}: {r.Err}");
        return r;
    }

    [Fact]
    public async Task Collect_send_recheck_and_report_through_the_command_line()
    {
        byte[] keep = "\xFF\xD8 kept image"u8.ToArray(), removed = "\xFF\xD8 removed image"u8.ToArray();
        _site.Files["/keep.jpg"] = (200, keep);
        _site.Files["/removed.jpg"] = (200, removed);
        var now = DateTimeOffset.UtcNow;
        await using (var db = await NoticesDb.CreateAsync(false, Path.Combine(_dir, "crawl.db")))
        {
            await db.AddSightingAsync(_site.Url("/keep.jpg"), now, "127.0.0.1", Convert.ToHexStringLower(SHA256.HashData(keep)));
            await db.AddSightingAsync(_site.Url("/removed.jpg"), now, "127.0.0.1", Convert.ToHexStringLower(SHA256.HashData(removed)));
            await db.AddSightingAsync(_site.Url("/pending.jpg"), now, "127.0.0.1", NoticesDb.Sha("p"), "pending", "suspected");
        }
        await File.WriteAllTextAsync(Path.Combine(_dir, "contacts.csv"),
            "match,provider,abuse_email,web_form,escalation_email,escalation_contact,language,notes\n" +
            "127.0.0.0/8,Loopback Hosting,abuse@loopback.example,,,,en,test provider\n");
        Assert.StartsWith("2 sightings added to 1 open notices", Ok(null, "crawl", "notices", _dir, "collect").Out, StringComparison.Ordinal);
        var list = Ok(null, "crawl", "notices", _dir, "list").Out.Split('\n');
        Assert.StartsWith("1\tnotice\topen\tLoopback Hosting\t2\t0\t", list[1], StringComparison.Ordinal);

        await using var smtp = new SmtpTestServer();
        var env = new Dictionary<string, string> { ["CRAWL_TEST_SMTP_PASSWORD"] = "pa55-word" };
        var sent = Ok(env, "crawl", "notices", _dir, "send", "1", "--smtp-host", "127.0.0.1", "--smtp-port", smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--smtp-security", "none", "--smtp-user", "hotline", "--smtp-password-env", "CRAWL_TEST_SMTP_PASSWORD", "--from", "notices@hotline.example",
            "--sender", "Test Hotline", "--recheck-interval", "1s");
        Assert.Contains("notice 1: sent to abuse@loopback.example", sent.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55-word", sent.Out + sent.Err, StringComparison.Ordinal);
        var mail = Assert.Single(smtp.Messages);
        Assert.Contains(_site.Url("/keep.jpg"), mail.Data, StringComparison.Ordinal);
        Assert.Contains(_site.Url("/removed.jpg"), mail.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("pending.jpg", mail.Data, StringComparison.Ordinal);

        _site.Files.TryRemove("/removed.jpg", out _);
        await Task.Delay(1200);
        // Loopback is refused unless allowed, as for every fetch.
        Assert.Contains("checked 2: 0 gone, 0 still online, 2 without answer", Ok(null, "crawl", "recheck", _dir, "--recheck-interval", "1s", "--max-backoff", "1s").Out, StringComparison.Ordinal);
        await Task.Delay(1200);
        Assert.Contains("checked 2: 1 gone, 1 still online", Ok(null, "crawl", "recheck", _dir, "--recheck-interval", "1s", "--max-backoff", "1s", "--allow-address", "127.0.0.1").Out, StringComparison.Ordinal);

        var csvFile = Path.Combine(_dir, "report.csv");
        Ok(null, "crawl", "report", _dir, "--format", "csv", "--out", csvFile);
        var row = File.ReadAllLines(csvFile)[1].Split(',');
        Assert.Equal(["Loopback Hosting", "2", "1", "1", "1", "1", "0"], row[..7]);
        Assert.True(double.Parse(row[7], System.Globalization.CultureInfo.InvariantCulture) < 1, "removed within the test's minute");

        var json = JsonDocument.Parse(Ok(null, "crawl", "notices", _dir, "show", "1", "--format", "json").Out).RootElement;
        Assert.Equal("sent", json.GetProperty("state").GetString());
        Assert.Equal(2, json.GetProperty("items").GetArrayLength());
        Assert.Contains(json.GetProperty("items").EnumerateArray(), i => i.GetProperty("gone_reason").GetString() == "HTTP 404");

    }

    [Fact]
    public async Task Contacts_check_and_missing_things_give_clear_errors()
    {
        await using (var db = await NoticesDb.CreateAsync(false, Path.Combine(_dir, "crawl.db"))) { }
        var good = Path.Combine(_dir, "contacts.csv");
        await File.WriteAllTextAsync(good, "match,provider,abuse_email\n127.0.0.0/8,Loopback Hosting,abuse@loopback.example\n");
        var bad = Path.Combine(_dir, "bad.csv");
        await File.WriteAllTextAsync(bad, "match,provider,abuse_email\n10.0.0.0/8,Good,abuse@good.example\n10.0.0.1/8,Bad,abuse@bad.example\n");

        Assert.Contains("Loopback Hosting\tabuse@loopback.example", Ok(null, "crawl", "contacts", "check", good).Out, StringComparison.Ordinal);
        var badCheck = Safeguard(null, "crawl", "contacts", "check", bad);
        Assert.Equal(1, badCheck.Exit);
        Assert.Contains($"{bad}:3: '10.0.0.1/8' has bits set", badCheck.Err, StringComparison.Ordinal);

        var missing = Safeguard(null, "crawl", "notices", _dir, "show", "99");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no notice 99", missing.Err, StringComparison.Ordinal);
        var noDb = Safeguard(null, "crawl", "report", Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, noDb.Exit);
        Assert.Contains("no crawl database", noDb.Err, StringComparison.Ordinal);
    }
}
