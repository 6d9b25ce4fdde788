using Safeguard.Exchanges.Http;

namespace Safeguard.Crawl.Fetching;

/// <summary>What one fetch may cost and where it may go.</summary>
public sealed record FetchOptions
{
    /// <summary>Which addresses may be connected to (public only unless ranges are allowed).</summary>
    public AddressPolicy Addresses { get; init; } = AddressPolicy.PublicOnly;

    /// <summary>Most bytes of one body after decompression; a larger one is an error recorded against its URL.</summary>
    public long MaxBodyBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The whole exchange, headers to last byte, across redirects: a slow-drip server is cut off here.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxRedirects { get; init; } = 10;

    /// <summary>An http://, socks5:// or socks5h:// proxy; null connects directly.</summary>
    public Uri? Proxy { get; init; }

    /// <summary>Bytes per second over every fetch together (0: no cap).</summary>
    public long BandwidthBytesPerSecond { get; init; }

    public string UserAgent { get; init; } = "Safeguard-Crawler/1.0 (+https://github.com/safeguard)";
}
