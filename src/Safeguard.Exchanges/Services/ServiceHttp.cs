using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Safeguard.Exchanges.Services;

/// <summary>A response body read within the limits, with its media type.</summary>
internal sealed record ServiceResponse(byte[] Body, string? MediaType);

/// <summary>
/// One request to an external hash-sharing service: bounded in time (the request deadline) and
/// size (the largest response), with HTTP failures turned into <see cref="ExchangeException"/>s that
/// name the exchange type and say whether retrying may help. Messages name the path only, never
/// the query or headers, since those may carry credentials.
/// </summary>
internal sealed class ServiceHttp(string typeName, ExchangeContext context)
{
    public string TypeName { get; } = typeName;

    public ExchangeLimits Limits => context.Limits;

    public ExchangeException Error(string message, bool transient = false, Exception? inner = null) =>
        inner is null
            ? new ExchangeException($"{TypeName}: {message}") { Transient = transient }
            : new ExchangeException($"{TypeName}: {message}", inner) { Transient = transient };

    /// <summary>
    /// Sends the request made by <paramref name="make"/> and reads its body, expecting
    /// <paramref name="expectedMedia"/> ("json" or "xml"); null: only the status matters.
    /// </summary>
    /// <param name="credentialRefused">For services that refuse a credential with another status (a Graph API 400 OAuthException, a sign-in form's 400): given the status and the start of the error body, true when the credential was refused.</param>
    public async Task<ServiceResponse> SendAsync(Func<HttpRequestMessage> make, string? expectedMedia, CancellationToken ct, Func<int, string, bool>? credentialRefused = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Limits.RequestTimeout);
        using var request = make();
        var what = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        try
        {
            using var response = await context.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (credentialRefused is not null && (int)response.StatusCode is >= 400 and < 500 and not 429
                && credentialRefused((int)response.StatusCode, await ErrorTextAsync(response, deadline.Token).ConfigureAwait(false)))
                throw Error($"the service refused the credential (HTTP {(int)response.StatusCode} on {what}); check the exchange's secret settings");
            ThrowForStatus(response, what);
            if (expectedMedia is null) return new ServiceResponse([], null);
            var media = response.Content.Headers.ContentType?.MediaType;
            if (media is null || !media.Contains(expectedMedia, StringComparison.OrdinalIgnoreCase))
                throw Error($"{what} answered with content type '{media ?? "none"}', expected {expectedMedia.ToUpperInvariant()}");
            var body = await ReadBoundedAsync(response, what, deadline.Token).ConfigureAwait(false);
            return new ServiceResponse(body, media);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Error($"{what} took longer than the request deadline of {Limits.RequestTimeout.TotalSeconds:0.#} s", transient: true, e);
        }
        catch (HttpRequestException e)
        {
            throw Error($"{what} failed: {e.Message}", transient: true, e);
        }
        catch (IOException e)
        {
            throw Error($"{what} broke off while reading: {e.Message}", transient: true, e);
        }
    }

    private void ThrowForStatus(HttpResponseMessage response, string what)
    {
        var code = (int)response.StatusCode;
        if (code is >= 200 and < 300) return;
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var after = RetryAfter(response.Headers.RetryAfter, context.Clock.GetUtcNow());
            throw new ExchangeException($"{TypeName}: {what} was refused for too many requests (HTTP 429)" + (after is { } a ? $"; retry after {a.TotalSeconds:0} s" : ""))
            { Transient = true, RetryAfter = after };
        }
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw Error($"the service refused the credential (HTTP {code} on {what}); check the exchange's secret settings");
        if (code >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
            // A 503 may say when to come back, too.
            throw new ExchangeException($"{TypeName}: {what} failed upstream (HTTP {code}); will retry")
            { Transient = true, RetryAfter = RetryAfter(response.Headers.RetryAfter, context.Clock.GetUtcNow()) };
        throw Error($"{what} was rejected (HTTP {code})");
    }

    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>The first few kilobytes of an error answer, to tell a refused credential from other errors; never shown.</summary>
    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[8192];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0) total += read;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var max = Limits.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } declared && declared > max)
            throw Error($"{what} answered with {declared.ToString(CultureInfo.InvariantCulture)} bytes, more than the limit of {max.ToString(CultureInfo.InvariantCulture)}");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
                throw Error($"{what} answered with more than the limit of {max.ToString(CultureInfo.InvariantCulture)} bytes");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw Error($"{what} answered with an empty body");
        return buffer.ToArray();
    }

    /// <summary>Resolves a "next page" link the service gave, refusing one that leaves the service's own origin (credentials ride along).</summary>
    public Uri SameOrigin(Uri baseUri, string link)
    {
        if (!Uri.TryCreate(baseUri, link, out var next) || next.Scheme != baseUri.Scheme
            || !string.Equals(next.Host, baseUri.Host, StringComparison.OrdinalIgnoreCase) || next.Port != baseUri.Port || next.UserInfo.Length > 0)
            throw Error("the service's next-page link points outside its own address; refused");
        return next;
    }
}
