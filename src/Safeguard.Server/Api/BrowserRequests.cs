namespace Safeguard.Server.Api;

/// <summary>
/// Defence against requests other pages make a reviewer's browser send (CSRF). The session cookie is
/// SameSite=Strict, but a page on another port of the same host is the same site, so the cookie goes
/// along: a session request acts only when the browser says it came from this server's own pages.
/// </summary>
public static class BrowserRequests
{
    /// <summary>The header the UI's scripts add; another page cannot add it without CORS, which is never granted.</summary>
    public const string UiHeader = "X-Safeguard-UI";

    /// <summary>
    /// Null when Sec-Fetch-Site and Origin, each when present, say the request came from this origin
    /// (a typed-in address, "none", too when <paramref name="allowTypedAddress"/>); else why not.
    /// </summary>
    public static string? CrossOriginReason(HttpRequest request, bool allowTypedAddress)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site != "same-origin" && !(allowTypedAddress && site == "none"))
            return $"refused: a browser session's request from another site or origin (Sec-Fetch-Site: {site})";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwnOrigin(origin, request))
            return $"refused: a browser session's request from another origin (Origin: {origin})";
        return null;
    }

    /// <summary>Null when a request may change state or expose media for a session: same origin and the UI's header.</summary>
    public static string? ForgeryReason(HttpRequest request) =>
        CrossOriginReason(request, allowTypedAddress: false)
        ?? (request.Headers[UiHeader] == "1" ? null
            : $"browser session requests that change state, expose media or write the audit log need the {UiHeader} header");

    /// <summary>
    /// The Origin names the host and port the request was sent to. The scheme is not compared, so the UI
    /// keeps working behind a proxy that ends TLS and passes the Host header on.
    /// </summary>
    private static bool IsOwnOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || o.Scheme is not ("http" or "https") || !request.Host.HasValue) return false;
        int port = request.Host.Port ?? o.Port;
        return string.Equals(o.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase) && o.Port == port;
    }
}
