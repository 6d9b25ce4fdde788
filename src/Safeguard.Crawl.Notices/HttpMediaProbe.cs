using System.Net;
using System.Security.Cryptography;

namespace Safeguard.Crawl.Notices;

/// <summary>
/// Fetches the URL and hashes what it serves (SHA-256 only, no PDQ). The caller supplies the
/// client, so address rules (SSRF), proxies and timeouts are the caller's; this caps the body.
/// </summary>
public sealed class HttpMediaProbe(HttpClient http, long maxBytes = 64L * 1024 * 1024) : IMediaProbe
{
    public async Task<ProbeResult> ProbeAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.UnavailableForLegalReasons)
                return new ProbeResult.Gone($"HTTP {(int)response.StatusCode}");
            if (!response.IsSuccessStatusCode) return new ProbeResult.Error($"HTTP {(int)response.StatusCode}");
            if (response.Content.Headers.ContentLength > maxBytes)
                return new ProbeResult.Error($"response of {response.Content.Headers.ContentLength} bytes exceeds the {maxBytes}-byte cap");
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            return await HashCappedAsync(body, ct);
        }
        catch (HttpRequestException ex) { return new ProbeResult.Error(ex.Message); }
        catch (IOException ex) { return new ProbeResult.Error(ex.Message); }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return new ProbeResult.Error("timed out"); }
    }

    private async Task<ProbeResult> HashCappedAsync(Stream body, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += n;
                if (total > maxBytes) return new ProbeResult.Error($"response exceeds the {maxBytes}-byte cap");
                sha.AppendData(buffer, 0, n);
            }
            return new ProbeResult.Present(Convert.ToHexStringLower(sha.GetHashAndReset()), null);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
    }
}
