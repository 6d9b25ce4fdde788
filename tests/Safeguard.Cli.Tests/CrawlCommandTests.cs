using System.Diagnostics;
using System.Text.Json;
using Safeguard.Crawl.Tests.Site;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard crawl` as a real process against the generated site, including kill -9 and resume.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by xunit through IAsyncLifetime.DisposeAsync.")]
public sealed class CrawlCommandTests : IAsyncLifetime
{
    private readonly TestSite _site = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-crawl-cli-").FullName;

    // Started off the test framework's synchronisation context, so the site's work never queues behind the test's.
    public Task InitializeAsync() => Task.Run(_site.StartAsync);

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string[] Args(string outDir) =>
    [
        "crawl", _site.Root.AbsoluteUri, "--out", outDir, "--db", Path.Combine(_dir, "banks.db"), "--no-progress",
        "--fetch-allow", "127.0.0.1/32", "--concurrency", "2", "--no-politeness", "--timeout", "5", "--max-bytes", "4194304",
        "--max-pages-per-host", "30", "--no-tmk",
    ];

    [Fact]
    public async Task Killed_crawl_resumes_without_fetching_finished_urls_again()
    {
        await SiteBanks.CreateAsync(_dir);
        var outDir = Path.Combine(_dir, "out");
        _site.PageDelayMs = 150; // slow enough to be killed midway

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in Args(outDir)) psi.ArgumentList.Add(a);
        string killedAt = "";
        var started = DateTime.UtcNow;
        using (var first = Process.Start(psi)!)
        {
            var deadline = Stopwatch.StartNew();
            // Watched from a thread of its own: the test's context may be busy serving the site.
            bool exitedEarly = await Task.Run(() =>
            {
                while (_site.Requests.Count < 8 && !first.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(10);
                if (first.HasExited) return true;
                first.Kill(entireProcessTree: true); // SIGKILL: no chance to tidy up
                killedAt = $"killed at {deadline.Elapsed} after {_site.Requests.Count} requests";
                return false;
            });
            Assert.False(exitedEarly, "the crawl finished before it could be killed: " + await first.StandardError.ReadToEndAsync());
            await first.WaitForExitAsync();
            killedAt += $", exited at {deadline.Elapsed}; requests at " + string.Join(" ", _site.RequestTimes.Select(t => (t - started).TotalSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        }
        Assert.False(File.Exists(Path.Combine(outDir, "summary.json")), "finished before the kill: " + killedAt + " " + string.Join(" ", _site.Requests)
            + (File.Exists(Path.Combine(outDir, "summary.json")) ? File.ReadAllText(Path.Combine(outDir, "summary.json")) : ""));
        var before = _site.Requests.ToArray();
        _site.PageDelayMs = 0;

        var second = SafeguardProcess.Run(Args(outDir), timeoutMs: 90_000);
        Assert.True(second.Exit == 0, second.Err);
        var after = _site.Requests.Skip(before.Length).ToArray();

        // URLs finished before the kill are not fetched again; at most the ones in flight (2 workers, 4 claimed) are.
        var repeated = before.Intersect(after).Where(p => p is not "/robots.txt" and not "/flaky").ToList();
        Assert.True(repeated.Count <= 4, $"fetched again after resume: {string.Join(", ", repeated)}");
        Assert.NotEmpty(after);

        var sightings = File.ReadAllLines(Path.Combine(outDir, "sightings.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var path in TestSite.Banked)
        {
            var url = _site.Url(path).AbsoluteUri;
            Assert.Single(sightings, s => s.GetProperty("url").GetString() == url && s.GetProperty("signal_type").GetString() == "pdq");
        }
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(0, summary.RootElement.GetProperty("urls_queued").GetInt64());
        Assert.True(summary.RootElement.GetProperty("problems").GetProperty("redirect_loop").GetInt64() >= 1);
    }

    [Fact]
    public void Bad_options_are_usage_errors()
    {
        var r = SafeguardProcess.Run(["crawl", "http://example.com/", "--out", Path.Combine(_dir, "x"), "--proxy", "ftp://127.0.0.1:1"]);
        Assert.Equal(2, r.Exit);
        Assert.Contains("--proxy", r.Err, StringComparison.Ordinal);
        r = SafeguardProcess.Run(["crawl", "http://example.com/", "--out", Path.Combine(_dir, "x"), "--fetch-allow", "not-an-ip"]);
        Assert.Equal(2, r.Exit);
    }
}
