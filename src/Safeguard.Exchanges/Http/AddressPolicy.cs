using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Safeguard.Exchanges.Http;

/// <summary>
/// Which addresses an outgoing request may connect to: public ones, plus any allow-listed range.
/// Checked when a connection opens, on every address the host resolves to, so DNS rebinding and
/// redirects to internal hosts are refused as surely as a literal internal address.
/// </summary>
public sealed class AddressPolicy
{
    private readonly List<(IPAddress Network, int Prefix)> _allowed = [];

    /// <param name="allowList">IP addresses or CIDR ranges reachable although not public ("127.0.0.1/32", "10.1.0.0/16").</param>
    public AddressPolicy(IEnumerable<string>? allowList = null)
    {
        foreach (var a in allowList ?? [])
        {
            var parts = a.Split('/');
            if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var ip))
                throw new ArgumentException($"fetch allow-list entry '{a}' is not an IP address or CIDR range");
            int max = ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            int prefix = max;
            if (parts.Length > 1 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max))
                throw new ArgumentException($"fetch allow-list entry '{a}' has a bad prefix length (0-{max})");
            _allowed.Add((ip, prefix));
        }
    }

    /// <summary>Public addresses only.</summary>
    public static AddressPolicy PublicOnly { get; } = new();

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        foreach (var (net, prefix) in _allowed)
            if (InRange(address, net, prefix)) return true;
        return IsPublic(address);
    }

    /// <summary>
    /// For <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, refuses the
    /// connection when any of its addresses is not allowed, else connects to the first.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        IPAddress[] addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0) throw new AddressRefusedException($"host '{host}' does not resolve", refused: false);
        foreach (var a in addresses)
            if (!IsAllowed(a))
                throw new AddressRefusedException($"url host '{host}' resolves to {a}, a private, loopback or link-local address; refused", refused: true);
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
}

/// <summary>A connection refused by <see cref="AddressPolicy"/> (Refused), or a host that does not resolve.</summary>
public sealed class AddressRefusedException(string message, bool refused) : IOException(message)
{
    /// <summary>True when the address is forbidden; false when the host has no address.</summary>
    public bool Refused { get; } = refused;
}
