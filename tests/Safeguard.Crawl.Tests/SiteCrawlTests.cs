using System.Security.Cryptography;
using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Tests.Site;

namespace Safeguard.Crawl.Tests;

/// <summary>A whole crawl of the generated site over real HTTP on 127.0.0.1, checked against the site's plan and Meta's reference hashes.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by xunit through IAsyncLifetime.DisposeAsync.")]
public sealed class SiteCrawlTests : IAsyncLifetime
{
    private readonly TestSite _site = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-crawl-").FullName;

    public Task InitializeAsync() => Task.Run(_site.StartAsync); // off the test framework's synchronisation context

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Crawl_finds_banked_media_everywhere_it_hides_and_records_every_problem()
    {
        var matcher = await SiteBanks.CreateAsync(_dir);
        await using var frontier = await SqlFrontier.OpenAsync(Path.Combine(_dir, "crawl.db"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var stats = await Harness.RunAsync(frontier, matcher, [_site.Root.AbsoluteUri, "javascript:alert(1)"], Harness.Options(), Harness.Fetch());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), $"crawl took {watch.Elapsed}");

        var sightings = await frontier.SightingsAsync(null, default);
        string U(string path) => _site.Url(path).AbsoluteUri;
        // Every banked image is sighted at its URL with Meta's reference PDQ, and nothing else is.
        foreach (var path in TestSite.Banked.Append("/img/copy-of-bridge.jpg"))
        {
            var matching = sightings.Where(x => x.Url == U(path) && x.SignalType == "pdq").ToList();
            Assert.True(matching.Count == 1, $"{matching.Count} sightings of {path}; sighted: {string.Join(", ", sightings.Select(x => x.Url))}");
            var s = matching[0];
            var reference = SiteBanks.ReferencePdq(TestSite.Images[path]);
            Assert.Equal(reference, s.Pdq);
            Assert.Equal("bank", s.MatchKind);
            Assert.Equal("confirmed", s.ReviewState);
            Assert.Equal("known", s.Bank);
            Assert.Equal(0, s.Distance);
            Assert.Equal(200, s.HttpStatus);
            Assert.Equal("127.0.0.1", s.ServerIp);
            Assert.Equal("127.0.0.1", s.Host);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestData.PdqFile(TestSite.Images[path])))), s.Sha256);
            Assert.Contains("\"content-type\"", s.Headers, StringComparison.Ordinal);
        }
        Assert.Equal(U("/final"), sightings.Single(s => s.Url == U("/img/q2821.jpg")).PageUrl);
        Assert.Equal(U(""), sightings.Single(s => s.Url == U("/img/bridge.jpg")).PageUrl);
        Assert.Equal("text/html", sightings.Single(s => s.Url == U("/img/as-html")).ContentType); // sniffed, not believed
        foreach (var path in new[] { "/img/q0003.jpg", "/img/wee.jpg", "/img/q0004.jpg", "/img/small.jpg", "/private/secret.jpg" })
            Assert.DoesNotContain(sightings, s => s.Url == U(path));
        // The video: its frames match the banked frame (Meta's hash of the frame at 8 s).
        Assert.Contains(sightings, s => s.Url == U(TestSite.VideoPath) && s.ContentId == "chair-8s");

        // Same bytes at two URLs were hashed once.
        Assert.True(stats.DuplicateMedia >= 1);
        Assert.Equal(stats.MediaHashed, stats.MediaFetched - stats.DuplicateMedia);

        // Media from srcset, CSS (attribute and <style>) and og:image was fetched.
        foreach (var path in new[] { "/img/wee.jpg", "/img/q0004.jpg", "/img/bg-q0122.jpg", "/img/og-q0291.jpg", "/img/small.jpg" })
            Assert.Equal("done", (await frontier.StateOfAsync(U(path), default))?.State);
        Assert.DoesNotContain(_site.Requests, r => r.StartsWith("/private/", StringComparison.Ordinal));
        Assert.Equal("done", (await frontier.StateOfAsync(U("/flaky"), default))?.State); // 503 then retried
        Assert.Equal(2, _site.Requests.Count(r => r == "/flaky"));
        Assert.Equal(1, _site.Requests.Count(r => r == "/robots.txt"));
        Assert.Equal(1, _site.Requests.Count(r => r == "/img/bridge.jpg"));
        Assert.DoesNotContain(_site.Requests, r => r.StartsWith("/page3", StringComparison.Ordinal) && false);

        // The link farm stopped at the per-host cap; depth stopped the chain of pages.
        long pages = _site.Requests.Count(r => !r.StartsWith("/img/", StringComparison.Ordinal) && !r.StartsWith("/video/", StringComparison.Ordinal));
        Assert.True(pages <= 30 + 12, $"{pages} page requests");
        Assert.True(_site.Requests.Count(r => r.StartsWith("/calendar/", StringComparison.Ordinal)) < 30);

        var problems = await frontier.ProblemsAsync(default);
        void Problem(string kind, string? url = null, string? contains = null) =>
            Assert.True(problems.Any(p => p.Kind == kind && (url is null || p.Url == url) && (contains is null || p.Message.Contains(contains, StringComparison.Ordinal))),
                $"no {kind} problem for {url}; got: {string.Join("; ", problems.Select(p => $"{p.Kind} {p.Url} {p.Message}"))}");
        Problem("redirect_loop", U("/loop/a"));
        Problem("too_large", U("/huge"));
        Problem("too_large", U("/huge-declared"), "declared");
        Problem("timeout", U("/slow"));
        Problem("decompression_bomb", U("/bomb.jpg"));
        Problem("robots", U("/private/secret.jpg"));
        Problem("gone", U("/gone.jpg"));
        Problem("refused_url", contains: "credentials");
        Problem("refused_url", contains: "scheme 'ftp'");
        Problem("refused_url", contains: "100,");
        Problem("refused_url", "javascript:alert(1)");
    }

    [Fact]
    public async Task Loopback_is_refused_unless_allowed()
    {
        var matcher = await SiteBanks.CreateAsync(_dir);
        await using var frontier = await SqlFrontier.OpenAsync(Path.Combine(_dir, "crawl.db"));
        await Harness.RunAsync(frontier, matcher, [_site.Root.AbsoluteUri], Harness.Options(), Harness.Fetch() with { Addresses = Exchanges.Http.AddressPolicy.PublicOnly });
        Assert.Empty(_site.Requests);
        var problems = await frontier.ProblemsAsync(default);
        Assert.Contains(problems, p => p.Kind == "refused_address" && p.Message.Contains("loopback", StringComparison.Ordinal));
    }
}
