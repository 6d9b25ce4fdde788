using System.Security.Cryptography;
using Safeguard.Crawl.Fetching;

namespace Safeguard.Crawl.Media;

/// <summary>
/// <see cref="IMediaProbe"/> with the crawler's fetcher and the engine's hasher. With
/// <see cref="RequireMatch"/>, media that is served but matches no bank entry any more counts as
/// gone (the host replaced it).
/// </summary>
public sealed class MediaProbe(CrawlFetcher fetcher, MediaMatching media) : IMediaProbe
{
    public bool RequireMatch { get; init; } = true;

    public async Task<ProbeResult> ProbeAsync(Uri url, CancellationToken ct)
    {
        var normal = CrawlUrl.Normalize(url, out var why);
        if (normal is null) return ProbeResult.Error($"URL refused: {why}");
        var result = await fetcher.FetchAsync(normal, ct);
        int? status = result.Status == 0 ? null : result.Status;
        if (result.Problem is { } p)
            return p.Kind is "gone" or "dns" or "connection_refused"
                ? ProbeResult.Gone(p.Message, status)
                : ProbeResult.Error(p.Message, status);
        if (result.Kind is not (BodyKind.Image or BodyKind.Video))
            return ProbeResult.Gone($"no image or video served any more (HTTP {result.Status}, {result.ContentType ?? "no content type"})", status);
        var sha = Convert.ToHexStringLower(SHA256.HashData(result.Body));
        var outcome = await media.HashAndMatchAsync(result.Body, normal.AbsoluteUri, ct);
        var pdq = outcome.Hashes.Pdq?.Hash.ToString();
        if (RequireMatch && outcome.Matches.Count == 0)
            return new ProbeResult(ProbeStatus.Gone, "different media served, no longer matching any bank entry", sha, pdq, status);
        return new ProbeResult(ProbeStatus.Present, $"still served ({outcome.Matches.Count} match{(outcome.Matches.Count == 1 ? "" : "es")})", sha, pdq, status);
    }
}
