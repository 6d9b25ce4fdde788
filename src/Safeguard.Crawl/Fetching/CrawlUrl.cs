using System.Globalization;
using System.Text;

namespace Safeguard.Crawl.Fetching;

/// <summary>
/// The one check and normal form of every URL the crawler may fetch: hostile URLs are refused
/// with a reason, accepted ones are normalised so the frontier dedups them.
/// </summary>
public static class CrawlUrl
{
    /// <summary>Longer URLs are refused (browsers and servers rarely accept more; farms use them to blow up memory).</summary>
    public const int MaxLength = 8 * 1024;

    /// <summary>
    /// An absolute http(s) URL, normalised: host lower-cased and kept in its ASCII (punycode)
    /// form, default port dropped, fragment dropped, path and query order kept. Null and a reason when refused.
    /// </summary>
    public static Uri? Normalize(string text, out string? refusal)
    {
        refusal = null;
        if (text.Length > MaxLength) { refusal = $"URL is {text.Length:N0} characters, over the {MaxLength:N0} limit"; return null; }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)) { refusal = "not an absolute URL"; return null; }
        return Normalize(uri, out refusal);
    }

    public static Uri? Normalize(Uri uri, out string? refusal)
    {
        refusal = null;
        if (uri.Scheme is not ("http" or "https")) { refusal = $"scheme '{uri.Scheme}' is not fetched (http and https only)"; return null; }
        if (uri.UserInfo.Length > 0) { refusal = "URL carries credentials (user:password@); refused"; return null; }
        if (uri.OriginalString.Length > MaxLength) { refusal = $"URL is over the {MaxLength:N0}-character limit"; return null; }
        string host;
        try { host = uri.IdnHost.ToLowerInvariant(); }
        catch (ArgumentException) { refusal = "host name is not a valid international domain name"; return null; }
        if (host.Length == 0) { refusal = "URL has no host"; return null; }
        var b = new StringBuilder(uri.Scheme).Append("://").Append(host);
        if (!uri.IsDefaultPort) b.Append(':').Append(uri.Port.ToString(CultureInfo.InvariantCulture));
        b.Append(uri.AbsolutePath).Append(uri.Query);
        var normal = b.ToString();
        if (normal.Length > MaxLength) { refusal = $"URL is over the {MaxLength:N0}-character limit"; return null; }
        return new Uri(normal);
    }

    /// <summary>True when the host was written in Unicode (an IDN, possibly a homograph): recorded, fetched by its punycode.</summary>
    public static bool IsInternationalHost(Uri uri) => uri.IdnHost.StartsWith("xn--", StringComparison.OrdinalIgnoreCase) || uri.IdnHost.Contains(".xn--", StringComparison.OrdinalIgnoreCase);

    /// <summary>The host key politeness and scope use: host, plus the port when it is not the default.</summary>
    public static string HostKey(Uri uri) => uri.IsDefaultPort ? uri.IdnHost.ToLowerInvariant() : $"{uri.IdnHost.ToLowerInvariant()}:{uri.Port}";
}
