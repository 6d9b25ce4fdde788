using System.Net;
using Safeguard.Exchanges.Http;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Media;

/// <summary>A URL that cannot be fetched; the status says why (400 bad URL, 403 refused address, 413, 422, 504).</summary>
public sealed class FetchException(int status, string message) : ServiceException(message)
{
    public override int Status { get; } = status;
}

/// <summary>
/// Fetches media by URL for hashing: http(s) only; every address a host resolves to is checked
/// when connecting (so DNS rebinding and redirects to internal hosts are refused too); private,
/// loopback, link-local and other non-public ranges are refused unless allow-listed; size and time capped.
/// </summary>
public sealed class SafeFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly long _maxBytes;
    private readonly TimeSpan _timeout;
    private readonly AddressPolicy _policy;

    public SafeFetcher(ServerOptions options)
    {
        _maxBytes = options.MaxMediaBytes;
        _timeout = options.FetchTimeout;
        _policy = new AddressPolicy(options.FetchAllowList);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseProxy = false, UseCookies = false,
            ConnectTimeout = _timeout, AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = _policy.ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("Safeguard/1.0");
    }

    public async Task<(byte[] Bytes, string FileName, string? ContentType)> FetchAsync(string url, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(_timeout);
        var uri = Check(url);
        try
        {
            for (int hop = 0; hop <= 5; hop++)
            {
                using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cts.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } loc)
                {
                    uri = Check(new Uri(uri, loc).ToString());
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw new FetchException(422, $"fetching the URL gave HTTP {(int)response.StatusCode}");
                if (response.Content.Headers.ContentLength > _maxBytes)
                    throw new FetchException(413, $"the URL's content is {response.Content.Headers.ContentLength} bytes, over the limit of {_maxBytes}");
                await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
                var ms = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = await body.ReadAsync(buffer, cts.Token)) > 0)
                {
                    if (ms.Length + n > _maxBytes) throw new FetchException(413, $"the URL's content is over the limit of {_maxBytes} bytes");
                    ms.Write(buffer, 0, n);
                }
                var name = Path.GetFileName(uri.AbsolutePath);
                return (ms.ToArray(), string.IsNullOrEmpty(name) ? uri.Host : name, response.Content.Headers.ContentType?.MediaType);
            }
            throw new FetchException(422, "too many redirects (more than 5)");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FetchException(504, $"fetching the URL took longer than {_timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is AddressRefusedException refused)
        {
            throw new FetchException(refused.Refused ? 403 : 422, refused.Message);
        }
        catch (HttpRequestException ex)
        {
            throw new FetchException(422, $"could not fetch the URL: {ex.Message}");
        }
    }

    private static Uri Check(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new FetchException(400, "url is not an absolute URL");
        if (uri.Scheme is not ("http" or "https"))
            throw new FetchException(400, $"url scheme '{uri.Scheme}' is not allowed (http and https only)");
        if (uri.UserInfo.Length > 0) throw new FetchException(400, "url must not carry credentials");
        return uri;
    }

    public bool IsAllowed(IPAddress address) => _policy.IsAllowed(address);

    /// <summary>False for loopback, private, link-local, CGNAT, multicast, unspecified and reserved ranges.</summary>
    public static bool IsPublic(IPAddress a) => AddressPolicy.IsPublic(a);

    public void Dispose() => _client.Dispose();
}
