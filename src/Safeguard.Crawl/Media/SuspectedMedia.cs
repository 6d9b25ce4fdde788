using Safeguard.Crawl.Frontier;

namespace Safeguard.Crawl.Media;

/// <summary>
/// Fetched media with a suspected (near, not bank) match, handed to <see cref="Crawler.OnSuspected"/>
/// while its bytes are in memory: the only moment a reviewer's preview can be made from it.
/// </summary>
public sealed record SuspectedMedia(string Url, string? PageUrl, string? ContentType, byte[] Body, MediaOutcome Outcome, IReadOnlyList<Sighting> Sightings);
