using System.Net;
using System.Net.Sockets;
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
    private readonly List<(IPAddress Network, int Prefix)> _allowed = [];

    public SafeFetcher(ServerOptions options)
    {
        _maxBytes = options.MaxMediaBytes;
        _timeout = options.FetchTimeout;
        foreach (var a in options.FetchAllowList)
        {
            var parts = a.Split('/');
            if (!IPAddress.TryParse(parts[0], out var ip)) throw new ArgumentException($"fetch allow-list entry '{a}' is not an IP address or CIDR range");
            int prefix = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : (ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            _allowed.Add((ip, prefix));
        }
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, UseProxy = false, UseCookies = false,
            ConnectTimeout = _timeout, AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
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
        catch (HttpRequestException ex) when (ex.InnerException is FetchException fe)
        {
            throw fe;
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

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        IPAddress[] addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0) throw new FetchException(422, $"host '{host}' does not resolve");
        foreach (var a in addresses)
            if (!IsAllowed(a))
                throw new FetchException(403, $"url host '{host}' resolves to {a}, a private, loopback or link-local address; refused");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(addresses[0], context.DnsEndPoint.Port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var (net, prefix) in _allowed)
            if (InRange(address, net, prefix)) return true;
        return IsPublic(address);
    }

    /// <summary>False for loopback, private, link-local, CGNAT, multicast, unspecified and reserved ranges.</summary>
    public static bool IsPublic(IPAddress a)
    {
        if (a.IsIPv4MappedToIPv6) a = a.MapToIPv4();
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = a.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
                || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 100 && (b[1] & 0xC0) == 64) || (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 198 && (b[1] & 0xFE) == 18));
        }
        if (a.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = a.GetAddressBytes();
            return !(IPAddress.IsLoopback(a) || a.IsIPv6LinkLocal || a.IsIPv6SiteLocal || a.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC || a.IsIPv6Teredo || EmbedsIPv4(b) || IsReservedV6(b));
        }
        return false;
    }

    /// <summary>
    /// Ranges that carry an IPv4 address inside (so could reach a private one): ::/96 (unspecified, ::1 and
    /// the deprecated IPv4-compatible ::a.b.c.d), ::ffff:0:a.b.c.d (IPv4-translated), NAT64 64:ff9b::/32
    /// (well-known 64:ff9b::/96 and local-use 64:ff9b:1::/48), and 6to4 2002::/16. ::ffff:a.b.c.d is checked as the IPv4 address it maps.
    /// </summary>
    private static bool EmbedsIPv4(byte[] b)
    {
        if (b.AsSpan(0, 8).IndexOfAnyExcept((byte)0) < 0)
            return (b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0) || (b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0);
        if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) return true; // all of 64:ff9b::/32
        return b[0] == 0x20 && b[1] == 0x02;
    }

    /// <summary>Discard-only 100::/64 and documentation 2001:db8::/32: never a real destination.</summary>
    private static bool IsReservedV6(byte[] b) =>
        (b[0] == 0x01 && b[1] == 0 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0)
        || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);

    private static bool InRange(IPAddress a, IPAddress net, int prefix)
    {
        if (a.AddressFamily != net.AddressFamily) return false;
        var x = a.GetAddressBytes(); var y = net.GetAddressBytes();
        for (int i = 0; i < x.Length && prefix > 0; i++, prefix -= 8)
        {
            int mask = prefix >= 8 ? 0xFF : (0xFF << (8 - prefix)) & 0xFF;
            if ((x[i] & mask) != (y[i] & mask)) return false;
        }
        return true;
    }

    public void Dispose() => _client.Dispose();
}
