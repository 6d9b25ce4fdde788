namespace Safeguard.Crawl.Media;

/// <summary>What a URL serves now, for re-checks after a notice.</summary>
public enum ProbeStatus { Gone, Present, Error }

/// <summary>
/// Gone: 404/410, the host no longer resolves, the connection is refused, or what is served is
/// no longer matching media. Present: media still served (its SHA-256 and PDQ now). Error: try
/// again later (timeouts, 5xx, 429, refused by the address policy...).
/// </summary>
public sealed record ProbeResult(ProbeStatus Status, string Message, string? Sha256 = null, string? Pdq = null, int? HttpStatus = null)
{
    public static ProbeResult Gone(string why, int? status = null) => new(ProbeStatus.Gone, why, HttpStatus: status);
    public static ProbeResult Error(string why, int? status = null) => new(ProbeStatus.Error, why, HttpStatus: status);
}

/// <summary>Fetches one media URL again, under the crawler's SSRF, proxy and size rules, and says whether it is still there.</summary>
public interface IMediaProbe
{
    Task<ProbeResult> ProbeAsync(Uri url, CancellationToken ct);
}
