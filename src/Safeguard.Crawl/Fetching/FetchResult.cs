using System.Net;

namespace Safeguard.Crawl.Fetching;

/// <summary>What a body turned out to be, by its first bytes (the Content-Type header is only a hint).</summary>
public enum BodyKind { None, Html, Image, Video, Other }

/// <summary>A problem recorded against a URL: a short kind for grouping and a message for people.</summary>
public sealed record FetchProblem(string Kind, string Message)
{
    /// <summary>Worth trying again later (429, 5xx, network errors).</summary>
    public bool Transient { get; init; }

    /// <summary>The server's Retry-After, when it gave one.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>One fetch after redirects: status, headers, the body in memory, or the problem.</summary>
public sealed class FetchResult
{
    public required Uri RequestedUrl { get; init; }
    public required Uri FinalUrl { get; init; }
    public int Status { get; init; }
    public IPAddress? ServerIp { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public string? ContentType { get; init; }
    public byte[] Body { get; init; } = [];
    public BodyKind Kind { get; init; }
    public FetchProblem? Problem { get; init; }

    /// <summary>The hops followed before <see cref="FinalUrl"/> (each URL and its status).</summary>
    public IReadOnlyList<(Uri Url, int Status)> Redirects { get; init; } = [];

    public bool Ok => Problem is null && Status is >= 200 and < 300;
}
