using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Safeguard.Exchanges;

namespace Safeguard.Exchanges.Tests.Upstreams;

/// <summary>Ways a test server can misbehave on demand.</summary>
public enum Misbehaviour { None, MalformedBody, WrongContentType, TooManyRequests, ServerError, Unavailable, SamePageForever, HugeBody, SlowDrip }

/// <summary>A request as the server saw it, for asserting what a client sent.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body, string? ContentType);

/// <summary>
/// A service's protocol on 127.0.0.1 (Kestrel on a free port): the subclass maps the service's
/// routes; this class records requests and misbehaves on demand before a route runs.
/// </summary>
public abstract class UpstreamServer : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri BaseUri { get; private set; } = null!;

    public Misbehaviour Misbehave { get; set; }

    public int RetryAfterSeconds { get; set; } = 7;

    /// <summary>How many body bytes the huge-body and slow-drip answers sent before the client hung up.</summary>
    public long MisbehaviourBytesSent => Interlocked.Read(ref _misbehaviourBytes);
    private long _misbehaviourBytes;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The exchange type the server speaks for.</summary>
    public abstract string TypeName { get; }

    /// <summary>The media type of the service's answers.</summary>
    protected abstract string MediaType { get; }

    /// <summary>A body cut off mid-document, in the service's format.</summary>
    protected abstract string TruncatedBody { get; }

    /// <summary>The path under the host where the service lives ("/hashsharing", "/v1", ...).</summary>
    protected virtual string BasePath => "";

    /// <summary>Settings pointing at this server with the right credentials.</summary>
    public abstract ExchangeSettings Settings();

    /// <summary>Settings pointing at this server with a wrong secret.</summary>
    public abstract ExchangeSettings WrongSecretSettings();

    /// <summary>The secret values in <see cref="Settings"/>, which must never appear in a message.</summary>
    public abstract IReadOnlyList<string> Secrets { get; }

    protected abstract void Map(WebApplication app);

    /// <summary>Whether misbehaviour applies to this request (a service may keep its sign-in well-behaved).</summary>
    protected virtual bool MisbehavesOn(HttpRequest request) => true;

    public async Task StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        if (BasePath.Length > 0) app.UsePathBase(BasePath);
        app.Use(async (context, next) =>
        {
            await RecordAsync(context.Request);
            if (Misbehave != Misbehaviour.None && Misbehave != Misbehaviour.SamePageForever && MisbehavesOn(context.Request))
            {
                await MisbehaveAsync(context);
                return;
            }
            await next(context);
        });
        Map(app);
        await app.StartAsync();
        _app = app;
        BaseUri = new Uri($"http://127.0.0.1:{port}{BasePath}");
    }

    private async Task RecordAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        var body = await reader.ReadToEndAsync();
        request.Body.Position = 0;
        Requests.Enqueue(new RecordedRequest(request.Method, request.PathBase + request.Path,
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body, request.ContentType));
    }

    private async Task MisbehaveAsync(HttpContext context)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        switch (Misbehave)
        {
            case Misbehaviour.TooManyRequests:
                response.StatusCode = 429;
                response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return;
            case Misbehaviour.ServerError:
                response.StatusCode = 500;
                await response.WriteAsync("upstream exploded", ct);
                return;
            case Misbehaviour.Unavailable:
                response.StatusCode = 503;
                response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddMinutes(2).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                return;
            case Misbehaviour.WrongContentType:
                response.ContentType = "text/html";
                await response.WriteAsync("<html><body>Down for maintenance</body></html>", ct);
                return;
            case Misbehaviour.MalformedBody:
                response.ContentType = MediaType;
                await response.WriteAsync(TruncatedBody, ct);
                return;
            case Misbehaviour.HugeBody:
                // An endless answer made on the fly: the client must stop at its limit.
                response.ContentType = MediaType;
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)' ');
                try
                {
                    for (var i = 0; i < 16 * 1024 && !ct.IsCancellationRequested; i++)
                    {
                        await response.Body.WriteAsync(chunk, ct);
                        Interlocked.Add(ref _misbehaviourBytes, chunk.Length);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException) { }
                return;
            case Misbehaviour.SlowDrip:
                response.ContentType = MediaType;
                try
                {
                    for (var i = 0; i < 600 && !ct.IsCancellationRequested; i++)
                    {
                        await response.Body.WriteAsync(" "u8.ToArray(), ct);
                        await response.Body.FlushAsync(ct);
                        Interlocked.Increment(ref _misbehaviourBytes);
                        await Task.Delay(100, ct);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException) { }
                return;
        }
    }

    /// <summary>Whether the request carried HTTP basic credentials equal to these.</summary>
    protected static bool HasBasic(HttpRequest request, string user, string password)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
            return text == $"{user}:{password}";
        }
        catch (FormatException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
