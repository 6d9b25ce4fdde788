using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Tests.Site;

namespace Safeguard.Crawl.Tests;

/// <summary>Two crawlers on one PostgreSQL frontier: every URL fetched once between them.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by xunit through IAsyncLifetime.DisposeAsync.")]
public sealed class SharedFrontierTests : IAsyncLifetime
{
    private readonly TestSite _site = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-crawl-pg-").FullName;

    public Task InitializeAsync() => Task.Run(_site.StartAsync); // off the test framework's synchronisation context

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [SkippableFact]
    public async Task Two_crawlers_sharing_a_postgres_frontier_never_fetch_a_url_twice()
    {
        var (schema, cs) = await Postgres.CreateSchemaAsync("crawl_");
        try
        {
            var matcher = await SiteBanks.CreateAsync(_dir);
            await using var a = await SqlFrontier.OpenAsync(cs);
            await using var b = await SqlFrontier.OpenAsync(cs);
            var options = Harness.Options() with { ReleaseClaimsOnStart = false, Concurrency = 4 };
            var seeds = new[] { _site.Root.AbsoluteUri };
            var runs = new[]
            {
                Harness.RunAsync(a, matcher, seeds, options, Harness.Fetch()),
                Harness.RunAsync(b, matcher, seeds, options, Harness.Fetch()),
            };
            var stats = await Task.WhenAll(runs);
            Assert.True(stats[0].PagesFetched + stats[0].MediaFetched > 0 && stats[1].PagesFetched + stats[1].MediaFetched > 0,
                "both crawlers should have taken work");

            // Each crawler reads robots.txt itself; every other path is requested once, except /flaky (503 then retried).
            var repeated = _site.Requests.Where(r => r is not "/robots.txt" and not "/flaky").GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.Empty(repeated);
            Assert.Equal(2, _site.Requests.Count(r => r == "/flaky"));

            var sightings = await a.SightingsAsync(null, default);
            foreach (var path in TestSite.Banked)
                Assert.Single(sightings, s => s.Url == _site.Url(path).AbsoluteUri && s.SignalType == "pdq");
            var counts = await a.CountsAsync(default);
            Assert.True(counts.Finished);
        }
        finally
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }
}
