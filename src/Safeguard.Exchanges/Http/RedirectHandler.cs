using System.Net;

namespace Safeguard.Exchanges.Http;

/// <summary>
/// Follows redirects by hand: at most <see cref="ExchangeHttp.MaxRedirects"/>, http(s) only, and
/// headers that may carry a key dropped when the redirect leaves the host. Each
/// hop connects through the address policy of the inner handler, so a redirect to an internal
/// address is refused like a direct request to it.
/// </summary>
internal sealed class RedirectHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    // Across hosts only these travel on: any other header may be a key (Authorization, X-Api-Key, ...).
    private static readonly string[] SafeAcrossHosts = ["Accept", "Accept-Language", "User-Agent", "If-None-Match", "If-Modified-Since"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        for (int hop = 0; IsRedirect(response.StatusCode) && response.Headers.Location is { } location; hop++)
        {
            var from = request.RequestUri!;
            var url = ExchangeHttp.Describe(from);
            if (hop == ExchangeHttp.MaxRedirects)
            {
                response.Dispose();
                throw new ExchangeException($"{url}: more than {ExchangeHttp.MaxRedirects} redirects");
            }
            var next = new Uri(from, location);
            if (next.Scheme is not ("http" or "https") || next.UserInfo.Length > 0)
            {
                response.Dispose();
                throw new ExchangeException($"{url}: redirect to a URL that is not plain http(s) refused");
            }
            bool keepMethod = response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
            response.Dispose();
            var follow = new HttpRequestMessage(keepMethod ? request.Method : HttpMethod.Get, next) { Version = request.Version };
            if (keepMethod) follow.Content = request.Content;
            bool sameOrigin = string.Equals(from.Host, next.Host, StringComparison.OrdinalIgnoreCase) && from.Port == next.Port && from.Scheme == next.Scheme;
            foreach (var header in request.Headers)
                if (sameOrigin || SafeAcrossHosts.Contains(header.Key, StringComparer.OrdinalIgnoreCase))
                    follow.Headers.TryAddWithoutValidation(header.Key, header.Value);
            request = follow;
            response = await base.SendAsync(request, ct);
        }
        return response;
    }

    private static bool IsRedirect(HttpStatusCode code) => code is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
