namespace Safeguard.Crawl.Notices;

/// <summary>
/// Fetches a media URL again to learn whether it is still served. The crawler implements it with
/// its SSRF-safe fetcher; <see cref="HttpMediaProbe"/> is a plain fetch + SHA-256 version.
/// </summary>
public interface IMediaProbe
{
    Task<ProbeResult> ProbeAsync(Uri url, CancellationToken ct);
}

/// <summary>What a probe found: the media gone, still present (with its hashes), or no answer.</summary>
public abstract record ProbeResult
{
    private ProbeResult() { }

    /// <summary>The URL no longer serves the media (404, 410, name gone, content replaced).</summary>
    public sealed record Gone(string Reason) : ProbeResult;

    /// <summary>The URL serves media; <paramref name="Sha256"/> lower-case hex, <paramref name="Pdq"/> hex when the probe computes it.</summary>
    public sealed record Present(string Sha256, string? Pdq) : ProbeResult;

    /// <summary>No conclusion (timeout, 5xx, refused connection): try again later.</summary>
    public sealed record Error(string Message) : ProbeResult;
}
