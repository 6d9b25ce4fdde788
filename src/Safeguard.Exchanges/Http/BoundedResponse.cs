namespace Safeguard.Exchanges.Http;

/// <summary>
/// A response whose body may be read only until the request's deadline, and only up to a size;
/// disposing it releases the connection and the deadline.
/// </summary>
public sealed class BoundedResponse : IDisposable
{
    private readonly CancellationTokenSource _deadline;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _caller;

    internal BoundedResponse(HttpResponseMessage response, CancellationTokenSource deadline, string url, TimeSpan timeout, CancellationToken caller)
    {
        Response = response;
        _deadline = deadline;
        Url = url;
        _timeout = timeout;
        _caller = caller;
    }

    public HttpResponseMessage Response { get; }

    /// <summary>The URL (without query) for messages.</summary>
    public string Url { get; }

    /// <summary>Cancelled at the deadline or when the caller cancels.</summary>
    public CancellationToken Deadline => _deadline.Token;

    /// <summary>Throws <see cref="ExchangeHttp.StatusError"/> unless the status is 2xx.</summary>
    public BoundedResponse EnsureSuccess() => Response.IsSuccessStatusCode ? this : throw ExchangeHttp.StatusError(Response, Url);

    /// <summary>The whole body, refused (naming the URL) when it is over <paramref name="maxBytes"/> or not complete by the deadline.</summary>
    public async Task<byte[]> ReadBytesAsync(long maxBytes)
    {
        await using var body = await OpenBodyAsync(maxBytes);
        using var ms = new MemoryStream();
        await body.CopyToAsync(ms, 81920, Deadline);
        return ms.ToArray();
    }

    /// <summary>
    /// The body as a stream that throws an <see cref="ExchangeException"/> naming the URL once more
    /// than <paramref name="maxBytes"/> arrive, or when the deadline passes mid-read.
    /// </summary>
    public async Task<Stream> OpenBodyAsync(long maxBytes)
    {
        if (Response.Content.Headers.ContentLength is long declared && declared > maxBytes)
            throw TooLarge(maxBytes, declared);
        try
        {
            var inner = await Response.Content.ReadAsStreamAsync(Deadline);
            return new LimitedStream(inner, maxBytes, this);
        }
        catch (Exception ex) when (ex is not ExchangeException)
        {
            throw ExchangeHttp.Translate(ex, Url, _timeout, _caller);
        }
    }

    internal ExchangeException TooLarge(long max, long? size = null) =>
        new($"{Url}: the response is {(size is { } s ? $"{s} bytes, " : "")}over the limit of {max} bytes");

    internal Exception Failed(Exception ex) => ExchangeHttp.Translate(ex, Url, _timeout, _caller);

    public void Dispose()
    {
        Response.Dispose();
        _deadline.Dispose();
    }

    /// <summary>Counts bytes and ties every read to the deadline.</summary>
    private sealed class LimitedStream(Stream inner, long max, BoundedResponse owner) : ForwardReadStream(inner)
    {
        private long _read;

        protected override long BytesRead => _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, owner.Deadline);
            int n;
            try { n = await Inner.ReadAsync(buffer, linked.Token); }
            catch (Exception ex) when (ex is not ExchangeException) { throw owner.Failed(ex); }
            _read += n;
            if (_read > max) throw owner.TooLarge(max);
            return n;
        }
    }
}
