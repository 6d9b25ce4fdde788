using System.Net;
using System.Net.Sockets;

namespace Safeguard.Crawl.Notices.Contacts;

/// <summary>
/// Longest-prefix match over IPv4 and IPv6 ranges: one hash table per prefix length, probed from
/// the longest length present down. At most 33 (v4) or 129 (v6) lookups, no allocation per lookup,
/// so a full routing table (a million ASN ranges) costs memory but no scan.
/// </summary>
public sealed class IpPrefixTable<T>
{
    private readonly Dictionary<UInt128, T>?[] _v4 = new Dictionary<UInt128, T>?[33];
    private readonly Dictionary<UInt128, T>?[] _v6 = new Dictionary<UInt128, T>?[129];

    public int Count { get; private set; }

    /// <summary>Adds a range; false when exactly this range is already present.</summary>
    public bool TryAdd(IPAddress network, int prefix, T value)
    {
        var (tables, bits) = Tables(network);
        var table = tables[prefix] ??= [];
        if (!table.TryAdd(Key(network) & Mask(prefix, bits), value)) return false;
        Count++;
        return true;
    }

    /// <summary>The value of the longest range holding <paramref name="address"/>.</summary>
    public bool TryMatch(IPAddress address, out T value, out int prefix)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var (tables, bits) = Tables(address);
        var key = Key(address);
        for (prefix = bits; prefix >= 0; prefix--)
        {
            if (tables[prefix] is { } table && table.TryGetValue(key & Mask(prefix, bits), out value!)) return true;
        }
        value = default!;
        prefix = -1;
        return false;
    }

    private (Dictionary<UInt128, T>?[] Tables, int Bits) Tables(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetwork ? (_v4, 32) : (_v6, 128);

    internal static UInt128 Key(IPAddress a)
    {
        Span<byte> bytes = stackalloc byte[16];
        a.TryWriteBytes(bytes, out int written);
        UInt128 key = 0;
        for (int i = 0; i < written; i++) key = (key << 8) | bytes[i];
        return key;
    }

    internal static UInt128 Mask(int prefix, int bits) =>
        prefix == 0 ? UInt128.Zero : (bits == 32 ? (UInt128)(uint.MaxValue << (32 - prefix)) : UInt128.MaxValue << (128 - prefix));

}

/// <summary>Parsing of the ranges <see cref="IpPrefixTable{T}"/> holds.</summary>
public static class IpRange
{
    /// <summary>Parses "203.0.113.0/24", "2001:db8::/32" or a bare address; the error says what is wrong.</summary>
    public static bool TryParse(string text, out IPAddress network, out int prefix, out string? error)
    {
        network = IPAddress.None;
        prefix = 0;
        error = null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal))
        {
            error = $"'{Shorten(text)}' is not an IP address or CIDR range";
            return false;
        }
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        prefix = bits;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            error = $"'{Shorten(text)}' has a prefix length outside 0..{bits}";
            return false;
        }
        var key = IpPrefixTable<int>.Key(address);
        if ((key & ~IpPrefixTable<int>.Mask(prefix, bits)) != 0)
        {
            error = $"'{Shorten(text)}' has bits set after its /{prefix} prefix";
            return false;
        }
        network = address;
        return true;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
