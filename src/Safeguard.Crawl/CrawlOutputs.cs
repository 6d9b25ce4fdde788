using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.Crawl.Frontier;

namespace Safeguard.Crawl;

/// <summary>DIR/sightings.jsonl (one sighting per line, the table's columns) and DIR/summary.json.</summary>
public static class CrawlOutputs
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    public static async Task WriteAsync(IFrontier frontier, string dir, CrawlStats stats, TimeSpan elapsed, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        var sightings = await frontier.SightingsAsync(null, ct);
        var tmp = Path.Combine(dir, "sightings.jsonl.part");
        await using (var w = new StreamWriter(tmp))
            foreach (var s in sightings)
                await w.WriteLineAsync(JsonSerializer.Serialize(s, Json));
        File.Move(tmp, Path.Combine(dir, "sightings.jsonl"), overwrite: true);
        var counts = await frontier.CountsAsync(ct);
        var problems = await frontier.ProblemsAsync(ct);
        var summary = new CrawlSummary
        {
            Frontier = frontier.Describe, ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
            PagesFetched = stats.PagesFetched, MediaFetched = stats.MediaFetched, MediaHashed = stats.MediaHashed,
            DuplicateMedia = stats.DuplicateMedia, BytesRead = stats.Bytes, Retries = stats.Retries,
            Sightings = sightings.Count, BankSightings = sightings.Count(s => s.MatchKind == "bank"),
            SuspectedSightings = sightings.Count(s => s.MatchKind == "suspected"),
            UrlsDone = counts.Done, UrlsFailed = counts.Failed, UrlsSkipped = counts.Skipped, UrlsQueued = counts.Queued + counts.Waiting,
            Problems = problems.GroupBy(p => p.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count()),
        };
        await File.WriteAllTextAsync(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(summary, Indented), ct);
    }
}

/// <summary>summary.json: what the crawl did, over the whole frontier for sightings and URL states, this run for the rest.</summary>
public sealed record CrawlSummary
{
    public string Frontier { get; init; } = "";
    public double ElapsedSeconds { get; init; }
    public long PagesFetched { get; init; }
    public long MediaFetched { get; init; }
    public long MediaHashed { get; init; }
    public long DuplicateMedia { get; init; }
    public long BytesRead { get; init; }
    public long Retries { get; init; }
    public long Sightings { get; init; }
    public long BankSightings { get; init; }
    public long SuspectedSightings { get; init; }
    public long UrlsDone { get; init; }
    public long UrlsFailed { get; init; }
    public long UrlsSkipped { get; init; }
    public long UrlsQueued { get; init; }
    public Dictionary<string, long> Problems { get; init; } = [];
}
