using System.Diagnostics;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Media;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Files;
using Safeguard.Video.Vpdq;

namespace Safeguard.Crawl;

/// <summary>Everything one `safeguard crawl` run needs besides the bank index.</summary>
public sealed record CrawlRunSettings
{
    public required IReadOnlyList<string> Seeds { get; init; }
    public required string OutDir { get; init; }

    /// <summary>A SQLite path or a PostgreSQL connection; null: OutDir/crawl.db.</summary>
    public string? FrontierDb { get; init; }

    public CrawlOptions Crawl { get; init; } = new();
    public FetchOptions Fetch { get; init; } = new();
    public FileHashOptions Hashing { get; init; } = new();
    public VpdqOptions? Video { get; init; }
    public int SuspectThreshold { get; init; }
}

/// <summary>Opens the frontier, runs one crawler over it, writes sightings.jsonl and summary.json.</summary>
public static class CrawlRun
{
    public static string FrontierPath(CrawlRunSettings s) => s.FrontierDb ?? Path.Combine(s.OutDir, "crawl.db");

    public static async Task<CrawlSummary> RunAsync(CrawlRunSettings settings, Matcher matcher, Action<CrawlStats, FrontierCounts>? progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(settings.OutDir);
        await using var frontier = await SqlFrontier.OpenAsync(FrontierPath(settings), ct);
        using var fetcher = new CrawlFetcher(settings.Fetch);
        using var media = new MediaMatching(matcher, settings.Hashing, settings.Video, settings.SuspectThreshold);
        // A SQLite frontier belongs to one crawler: what a killed run held goes back to the queue.
        var options = frontier.IsShared ? settings.Crawl : settings.Crawl with { ReleaseClaimsOnStart = true };
        var crawler = new Crawler(frontier, fetcher, media, options) { OnProgress = progress };
        await crawler.RunAsync(settings.Seeds, ct);
        await CrawlOutputs.WriteAsync(frontier, settings.OutDir, crawler.Stats, watch.Elapsed, ct);
        return System.Text.Json.JsonSerializer.Deserialize<CrawlSummary>(await File.ReadAllTextAsync(Path.Combine(settings.OutDir, "summary.json"), ct), CrawlOutputs.Json)!;
    }
}
