using System.Net;

namespace Safeguard.Exchanges.Http;

/// <summary>
/// The HTTP client exchanges use (<see cref="ExchangeContext.Http"/>) and helpers that bound what
/// a response may cost: its size, and the time from sending to the last byte.
/// </summary>
public static class ExchangeHttp
{
    /// <summary>Most redirects followed for one request.</summary>
    public const int MaxRedirects = 5;

    /// <summary>
    /// A client that connects only where <paramref name="policy"/> allows (checked on every
    /// connection, so on every redirect hop), keeps no cookies, uses no proxy, and follows at most
    /// <see cref="MaxRedirects"/> redirects itself (dropping credentials when the host changes).
    /// It has no timeout of its own: bound each request with <see cref="SendAsync"/>.
    /// </summary>
    public static HttpClient CreateClient(AddressPolicy policy, TimeSpan? connectTimeout = null)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseProxy = false, UseCookies = false,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(15),
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = policy.ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // DNS changes are seen, and checked, again
        };
        var client = new HttpClient(new RedirectHandler(sockets)) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Safeguard/1.0");
        return client;
    }

    /// <summary>A context for fetching with a client made by <see cref="CreateClient"/>.</summary>
    public static ExchangeContext CreateContext(AddressPolicy policy, ExchangeLimits? limits = null, IReadOnlyList<string>? fileRoots = null) => new()
    {
        Http = CreateClient(policy), Limits = limits ?? new ExchangeLimits(), FileRoots = fileRoots ?? [],
    };

    /// <summary>An absolute http(s) URL without credentials in it, or an <see cref="ExchangeException"/> naming the setting.</summary>
    public static Uri CheckUrl(string url, string setting = "url")
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new ExchangeException($"setting '{setting}': '{Shorten(url)}' is not an absolute URL");
        if (uri.Scheme is not ("http" or "https"))
            throw new ExchangeException($"setting '{setting}': scheme '{uri.Scheme}' is not allowed (http and https only)");
        if (uri.UserInfo.Length > 0) throw new ExchangeException($"setting '{setting}': the URL must not carry credentials (use a header setting)");
        return uri;
    }

    /// <summary>
    /// Sends a request with a deadline for the whole exchange: the response it returns carries the
    /// deadline, and reading its body through <see cref="ReadBytesAsync"/> or
    /// <see cref="BoundedResponse.OpenBodyAsync"/> ends at the same moment. Network failures and
    /// refused addresses become <see cref="ExchangeException"/>s naming the URL.
    /// </summary>
    public static async Task<BoundedResponse> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var url = Describe(request.RequestUri);
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            return new BoundedResponse(response, deadline, url, timeout, ct);
        }
        catch (Exception ex)
        {
            deadline.Dispose();
            throw Translate(ex, url, timeout, ct);
        }
    }

    /// <summary>The exception to report for a failed request or body read.</summary>
    internal static Exception Translate(Exception ex, string url, TimeSpan timeout, CancellationToken ct) => ex switch
    {
        OperationCanceledException when ct.IsCancellationRequested => ex,
        OperationCanceledException => new ExchangeException($"{url}: no complete answer within {timeout.TotalSeconds:0.#} s", ex) { Transient = true },
        HttpRequestException { InnerException: AddressRefusedException refused } => new ExchangeException($"{url}: {refused.Message}", ex) { Transient = !refused.Refused },
        HttpRequestException or IOException => new ExchangeException($"{url}: {ex.Message}", ex) { Transient = true },
        _ => ex,
    };

    /// <summary>The URL without its query (which may carry a key), for messages.</summary>
    public static string Describe(Uri? uri) => uri is null ? "(no URL)" : uri.GetLeftPart(UriPartial.Path);

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";

    /// <summary>
    /// The error for an unsuccessful status: 429 and 5xx are transient and carry Retry-After;
    /// 401 and 403 need a person (a key to fix).
    /// </summary>
    public static ExchangeException StatusError(HttpResponseMessage response, string url)
    {
        int code = (int)response.StatusCode;
        TimeSpan? retry = response.Headers.RetryAfter switch
        {
            { Delta: { } d } => d,
            { Date: { } at } => at - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
            _ => null,
        };
        return new ExchangeException($"{url}: HTTP {code} {response.ReasonPhrase}")
        {
            Transient = code is 408 or 429 or >= 500, RetryAfter = retry,
        };
    }
}
