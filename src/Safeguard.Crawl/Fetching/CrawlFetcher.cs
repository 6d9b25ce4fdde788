using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Safeguard.Exchanges.Http;
using Safeguard.Hashing.Imaging;
using Safeguard.Video;

namespace Safeguard.Crawl.Fetching;

/// <summary>
/// Fetches one URL the crawler's way: redirects followed here (each hop's URL checked, and each
/// connection checked by the <see cref="AddressPolicy"/> when it opens), one deadline for the
/// whole exchange, the body read into memory under a size cap, decompressed here under the same
/// cap, sniffed by its magic bytes. No cookies, ever. Thread-safe; one per crawl.
/// </summary>
public sealed class CrawlFetcher : IDisposable
{
    private readonly FetchOptions _options;
    private readonly HttpClient _http;
    private readonly BandwidthLimiter _bandwidth;
    private readonly ConcurrentDictionary<string, IPAddress> _lastAddress = new(StringComparer.OrdinalIgnoreCase);
    private readonly ProxyKind _proxyKind;

    private enum ProxyKind { None, Http, Socks5, Socks5RemoteDns }

    public CrawlFetcher(FetchOptions options)
    {
        _options = options;
        _bandwidth = new BandwidthLimiter(options.BandwidthBytesPerSecond);
        _proxyKind = KindOf(options.Proxy);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None, // decoded here, under the size cap
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2), // DNS changes are seen, and checked, again
            MaxConnectionsPerServer = 64,
        };
        if (options.Proxy is { } proxy)
        {
            // .NET's SOCKS5 client sends the host name to the proxy (address type 3) whenever the URL
            // names a host, so socks5h needs nothing more than socks5: DNS happens at the proxy.
            var proxyUri = new UriBuilder(proxy) { Scheme = _proxyKind == ProxyKind.Http ? "http" : "socks5" }.Uri;
            handler.Proxy = new WebProxy(proxyUri) { BypassProxyOnLocal = false };
            handler.UseProxy = true;
            // The only connection ever opened is to the proxy the operator named.
            handler.ConnectCallback = (ctx, ct) => ConnectToProxyAsync(ctx, proxyUri, ct);
        }
        else
        {
            handler.UseProxy = false;
            handler.ConnectCallback = ConnectCheckedAsync;
        }
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public FetchOptions Options => _options;

    private static ProxyKind KindOf(Uri? proxy) => proxy?.Scheme.ToLowerInvariant() switch
    {
        null => ProxyKind.None,
        "http" => ProxyKind.Http,
        "socks5" => ProxyKind.Socks5,
        "socks5h" => ProxyKind.Socks5RemoteDns,
        var s => throw new ArgumentException($"proxy scheme '{s}' is not supported (http://, socks5://, socks5h://)"),
    };

    private async ValueTask<Stream> ConnectCheckedAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var stream = await _options.Addresses.ConnectAsync(context, ct);
        if (stream is NetworkStream { Socket.RemoteEndPoint: IPEndPoint ep })
            _lastAddress[$"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}"] = ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address;
        return stream;
    }

    private static async ValueTask<Stream> ConnectToProxyAsync(SocketsHttpConnectionContext context, Uri proxy, CancellationToken ct)
    {
        if (!string.Equals(context.DnsEndPoint.Host, proxy.IdnHost, StringComparison.OrdinalIgnoreCase) || context.DnsEndPoint.Port != proxy.Port)
            throw new AddressRefusedException($"connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} is not the configured proxy; refused", refused: true);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Fetches <paramref name="url"/> (already normalised by <see cref="CrawlUrl"/>). Never throws for network or content problems: they come back in <see cref="FetchResult.Problem"/>.</summary>
    public async Task<FetchResult> FetchAsync(Uri url, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_options.Timeout);
        var hops = new List<(Uri, int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        var current = url;
        try
        {
            while (true)
            {
                if (await PreConnectRefusalAsync(current, deadline.Token) is { } refused)
                    return Failed(url, current, hops, refused);
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.UserAgent.ParseAdd(_options.UserAgent);
                request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
                request.Headers.Accept.ParseAdd("text/html,image/*,video/*;q=0.9,*/*;q=0.5");
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                int status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    hops.Add((current, status));
                    var next = CrawlUrl.Normalize(new Uri(current, location), out var why);
                    if (next is null) return Failed(url, current, hops, new FetchProblem("refused_url", $"redirect to a refused URL: {why}"));
                    if (!seen.Add(next.AbsoluteUri))
                        return Failed(url, next, hops, new FetchProblem("redirect_loop", $"redirect loop: {next} was already visited in this chain of {hops.Count} hops"));
                    if (hops.Count > _options.MaxRedirects)
                        return Failed(url, next, hops, new FetchProblem("too_many_redirects", $"more than {_options.MaxRedirects} redirects"));
                    current = next;
                    continue;
                }
                return await ReadAsync(url, current, hops, response, status, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(url, current, hops, new FetchProblem("timeout", $"no complete answer within {_options.Timeout.TotalSeconds:0.#} s (slow or stalled server)"));
        }
        catch (HttpRequestException ex) when (Find<AddressRefusedException>(ex) is { } refused)
        {
            return Failed(url, current, hops, new FetchProblem(refused.Refused ? "refused_address" : "dns", refused.Message) { Transient = !refused.Refused });
        }
        catch (HttpRequestException ex) when (Find<SocketException>(ex) is { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData })
        {
            return Failed(url, current, hops, new FetchProblem("dns", $"host '{current.IdnHost}' does not resolve"));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            bool refusedConn = Find<SocketException>(ex) is { SocketErrorCode: SocketError.ConnectionRefused };
            return Failed(url, current, hops, new FetchProblem(refusedConn ? "connection_refused" : "network", ex.Message) { Transient = true });
        }
    }

    /// <summary>
    /// Through a proxy the address check cannot run at connect time (the proxy connects), so the
    /// URL is checked here: a literal address must be allowed, and without remote DNS the host is
    /// resolved locally and every address checked (the proxy may still resolve it differently).
    /// </summary>
    private async Task<FetchProblem?> PreConnectRefusalAsync(Uri url, CancellationToken ct)
    {
        if (_proxyKind == ProxyKind.None) return null;
        var host = url.IdnHost.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
            return _options.Addresses.IsAllowed(literal) ? null : new FetchProblem("refused_address", $"url host {literal} is a private, loopback or link-local address; refused");
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return _options.Addresses.IsAllowed(IPAddress.Loopback) ? null : new FetchProblem("refused_address", $"url host '{host}' is loopback; refused");
        if (_proxyKind == ProxyKind.Socks5RemoteDns) return null;
        IPAddress[] addresses;
        try { addresses = await Dns.GetHostAddressesAsync(host, ct); }
        catch (SocketException) { return null; } // the proxy may know it (an internal name is its business, not a leak of ours)
        foreach (var a in addresses)
            if (!_options.Addresses.IsAllowed(a))
                return new FetchProblem("refused_address", $"url host '{host}' resolves to {a}, a private, loopback or link-local address; refused");
        return null;
    }

    private async Task<FetchResult> ReadAsync(Uri requested, Uri final, List<(Uri, int)> hops, HttpResponseMessage response, int status, CancellationToken ct)
    {
        var headers = HeadersOf(response);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        _lastAddress.TryGetValue($"{final.IdnHost}:{final.Port}", out var ip);
        if (_proxyKind != ProxyKind.None) ip = null;
        FetchProblem? problem = null;
        byte[] body = [];
        if (status is < 200 or >= 300)
        {
            problem = StatusProblem(response, status);
        }
        else if (response.Content.Headers.ContentLength is { } declared && declared > _options.MaxBodyBytes)
        {
            problem = new FetchProblem("too_large", $"declared body of {declared:N0} bytes is over the {_options.MaxBodyBytes:N0}-byte limit; not read");
        }
        else
        {
            (body, problem) = await ReadBodyAsync(response, ct);
        }
        return new FetchResult
        {
            RequestedUrl = requested, FinalUrl = final, Status = status, ServerIp = ip, Headers = headers, ContentType = contentType,
            Body = body, Kind = problem is null ? Sniff(body, contentType) : BodyKind.None, Problem = problem, Redirects = hops,
        };
    }

    private async Task<(byte[], FetchProblem?)> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var encodings = response.Content.Headers.ContentEncoding;
        string? encoding = encodings.Count == 0 ? null : encodings.Last().ToLowerInvariant();
        await using var raw = await response.Content.ReadAsStreamAsync(ct);
        var limited = new RawLimitStream(raw, _options.MaxBodyBytes, _bandwidth);
        Stream decoded;
        switch (encoding)
        {
            case null or "identity": decoded = limited; break;
            case "gzip" or "x-gzip": decoded = new GZipStream(limited, CompressionMode.Decompress); break;
            case "deflate": decoded = new ZLibStream(limited, CompressionMode.Decompress); break;
            case "br": decoded = new BrotliStream(limited, CompressionMode.Decompress); break;
            default: return ([], new FetchProblem("bad_encoding", $"content encoding '{encoding}' is not supported"));
        }
        await using (decoded)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            try
            {
                int n;
                while ((n = await decoded.ReadAsync(chunk, ct)) > 0)
                {
                    if (buffer.Length + n > _options.MaxBodyBytes)
                        return ([], encoding is null or "identity"
                            ? new FetchProblem("too_large", $"body is over the {_options.MaxBodyBytes:N0}-byte limit; reading stopped")
                            : new FetchProblem("decompression_bomb", $"{encoding} body decompresses to over {_options.MaxBodyBytes:N0} bytes (from {limited.Count:N0} sent); reading stopped"));
                    buffer.Write(chunk, 0, n);
                }
            }
            catch (RawLimitStream.TooLargeException)
            {
                return ([], new FetchProblem("too_large", $"body is over the {_options.MaxBodyBytes:N0}-byte limit; reading stopped"));
            }
            catch (InvalidDataException ex)
            {
                return ([], new FetchProblem("bad_encoding", $"{encoding} body is corrupt: {ex.Message}"));
            }
            return (buffer.ToArray(), null);
        }
    }

    private static FetchProblem StatusProblem(HttpResponseMessage response, int status)
    {
        TimeSpan? retry = response.Headers.RetryAfter switch
        {
            { Delta: { } d } => d,
            { Date: { } at } => at - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
            _ => null,
        };
        string kind = status switch { 404 or 410 => "gone", 429 => "rate_limited", >= 500 => "server_error", >= 300 and < 400 => "bad_redirect", _ => "http_status" };
        return new FetchProblem(kind, $"HTTP {status} {response.ReasonPhrase}") { Transient = status is 408 or 429 or >= 500, RetryAfter = retry };
    }

    private static Dictionary<string, string> HeadersOf(HttpResponseMessage response)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in response.Headers.Concat(response.Content.Headers))
            if (!h.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)) // cookies are neither kept nor stored
                all[h.Key.ToLowerInvariant()] = string.Join(", ", h.Value);
        return all;
    }

    /// <summary>By magic bytes first; HTML by the header or by how the text starts.</summary>
    public static BodyKind Sniff(ReadOnlySpan<byte> body, string? contentType)
    {
        if (body.Length == 0) return BodyKind.None;
        if (ImageFormatSniffer.Sniff(body) != ImageFormat.Unknown) return BodyKind.Image;
        if (VideoFiles.LooksLikeVideo(body)) return BodyKind.Video;
        if (contentType is "text/html" or "application/xhtml+xml") return BodyKind.Html;
        var start = body[..Math.Min(body.Length, 512)];
        int i = 0;
        while (i < start.Length && (start[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)) i++;
        var head = System.Text.Encoding.ASCII.GetString(start[i..]).ToLowerInvariant();
        return head.StartsWith("<!doctype html", StringComparison.Ordinal) || head.StartsWith("<html", StringComparison.Ordinal) ? BodyKind.Html : BodyKind.Other;
    }

    private static FetchResult Failed(Uri requested, Uri final, List<(Uri, int)> hops, FetchProblem problem) =>
        new() { RequestedUrl = requested, FinalUrl = final, Problem = problem, Redirects = hops };

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T t) return t;
        return null;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The bytes as sent (before decompression): capped, counted and paced by the bandwidth limit.</summary>
    private sealed class RawLimitStream(Stream inner, long max, BandwidthLimiter bandwidth) : ForwardReadStream(inner)
    {
        public sealed class TooLargeException : IOException;

        public long Count { get; private set; }

        protected override long BytesRead => Count;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await Inner.ReadAsync(buffer, cancellationToken);
            Count += n;
            if (Count > max) throw new TooLargeException();
            await bandwidth.TakeAsync(n, cancellationToken);
            return n;
        }
    }
}
