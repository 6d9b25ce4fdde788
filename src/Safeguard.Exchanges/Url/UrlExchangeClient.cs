using System.Net;
using System.Runtime.CompilerServices;
using Safeguard.Exchanges.Http;
using Safeguard.Exchanges.Lists;

namespace Safeguard.Exchanges.UrlExchange;

/// <summary>
/// Asks for the list with the previous ETag and Last-Modified (a 304 is an unchanged page),
/// downloads it to a temporary file within the size and time limits while hashing it (the same
/// SHA-256 as before is an unchanged page too), then yields the whole list as one page.
/// </summary>
internal sealed class UrlExchangeClient(ExchangeSettings settings, ExchangeContext context) : IExchangeClient
{
    internal sealed record Checkpoint(string Sha256, string? Etag, string? LastModified);

    private string? _download;

    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        var uri = ExchangeHttp.CheckUrl(settings.Require(UrlExchangeType.UrlSetting.Name));
        var previous = HashList.FromJson<Checkpoint>(checkpoint);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        foreach (var (name, value) in UrlExchangeType.ReadHeaders(settings)) request.Headers.TryAddWithoutValidation(name, value);
        if (previous?.Etag is { } etag) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        if (previous?.LastModified is { } since) request.Headers.TryAddWithoutValidation("If-Modified-Since", since);

        using var response = await ExchangeHttp.SendAsync(context.Http, request, context.Limits.ListTimeout, ct);
        if (response.Response.StatusCode == HttpStatusCode.NotModified)
        {
            if (previous is null) throw new ExchangeException($"{response.Url}: HTTP 304 to a request that was not conditional");
            yield return new ExchangePage { Items = [], Checkpoint = checkpoint!, Unchanged = true, ReplacesAll = true };
            yield break;
        }
        response.EnsureSuccess();
        var headers = response.Response;
        var next = new Checkpoint("", headers.Headers.ETag?.ToString(), headers.Content.Headers.LastModified?.ToString("R"));
        _download = Path.Combine(Path.GetTempPath(), $"safeguard-exchange-{Guid.NewGuid():N}.list");
        string sha;
        await using (var body = await response.OpenBodyAsync(context.Limits.MaxListBytes))
        await using (var file = new FileStream(_download, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        await using (var hashing = new HashingStream(body, context.Limits.MaxListBytes, response.Url))
        {
            await hashing.CopyToAsync(file, 1 << 16, response.Deadline);
            sha = hashing.FinishSha256();
        }
        next = next with { Sha256 = sha };
        bool same = previous?.Sha256 == sha;
        yield return new ExchangePage
        {
            Items = same ? [] : ReadDownload(_download, FileNameFor(uri, headers.Content.Headers.ContentType?.MediaType), response.Url),
            Checkpoint = HashList.ToJson(next), Unchanged = same, ReplacesAll = true,
            UpstreamTime = headers.Content.Headers.LastModified,
        };
    }

    private IEnumerable<ExchangeItem> ReadDownload(string path, string? fileName, string source)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        foreach (var item in HashList.Read(stream, fileName, source, settings)) yield return item;
    }

    /// <summary>A name for format detection: the URL's last segment, else one the content type implies.</summary>
    private static string? FileNameFor(Uri uri, string? mediaType) => mediaType switch
    {
        "application/json" => "list.json",
        "text/csv" => "list.csv",
        _ => Path.GetFileName(uri.AbsolutePath) is { Length: > 0 } name ? name : null,
    };

    public ValueTask DisposeAsync()
    {
        if (_download is { } path)
        {
            try { File.Delete(path); } catch (IOException) { } // a leftover temp file is harmless
        }
        return ValueTask.CompletedTask;
    }
}
