namespace Safeguard.Exchanges;

/// <summary>What a client may use: an HTTP client bound by the fetch rules, limits and a clock.</summary>
public sealed class ExchangeContext
{
    /// <summary>
    /// HTTP for upstream calls: the SSRF rules of URL fetching (private, loopback and link-local
    /// addresses refused unless allow-listed, on every redirect hop), no cookies, no proxy unless configured.
    /// Use <see cref="ExchangeLimits"/> to bound what is read.
    /// </summary>
    public required HttpClient Http { get; init; }

    public ExchangeLimits Limits { get; init; } = new();

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Folders a <c>file</c> exchange may read under (empty: any path the operator gives).</summary>
    public IReadOnlyList<string> FileRoots { get; init; } = [];
}

/// <summary>Bounds on what one fetch may read, so a hostile upstream costs bounded time and memory.</summary>
public sealed record ExchangeLimits
{
    /// <summary>The largest single response body (a page, a token answer). A whole-list download is streamed and bounded by <see cref="MaxListBytes"/>.</summary>
    public long MaxResponseBytes { get; init; } = 64L << 20;

    /// <summary>The largest list a file or url exchange reads in one fetch.</summary>
    public long MaxListBytes { get; init; } = 4L << 30;

    /// <summary>The longest one request may take, headers to last byte (slow-drip servers end here).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest a whole-list download (a url exchange) may take, headers to last byte.</summary>
    public TimeSpan ListTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The most pages one fetch takes before it stops and resumes on the next schedule.</summary>
    public int MaxPagesPerFetch { get; init; } = 100_000;

    /// <summary>The longest value accepted in an entry's note or metadata field.</summary>
    public int MaxFieldChars { get; init; } = 4096;
}
