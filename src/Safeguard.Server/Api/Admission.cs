using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Api;

/// <summary>Endpoint metadata: the route fetches a URL (slow, bounded separately), when <see cref="QueryParameter"/> is given or null.</summary>
public sealed record FetchesUrl(string? QueryParameter = null);

/// <summary>
/// Who may run, so that no caller can starve the others:
/// <list type="number">
/// <item>before anything else, a cap on all requests in the server (running and waiting): 503 past it;</item>
/// <item>once the key is known, a cap on that key's requests in progress: 429 past it, at once;</item>
/// <item>URL-fetching routes take one of fewer fetch slots (a slow or silent site cannot hold every worker);</item>
/// <item>then a worker slot, queued per key and handed out in turn between keys (503 when the queue is full or the wait too long).</item>
/// </list>
/// </summary>
public sealed class Admission : IDisposable
{
    private readonly ServerOptions _options;
    private readonly ConcurrencyLimiter _inServer;
    private readonly FairConcurrencyLimiter _workers;
    private readonly FairConcurrencyLimiter _fetches;
    private readonly ConcurrentDictionary<long, StrongBox<int>> _perKey = new();

    public Admission(ServerOptions options)
    {
        _options = options;
        _inServer = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, options.MaxConcurrentRequests + options.MaxQueuedRequests), QueueLimit = 0,
        });
        _workers = new FairConcurrencyLimiter(options.MaxConcurrentRequests, options.MaxQueuedRequests);
        _fetches = new FairConcurrencyLimiter(FetchSlots(options), FetchSlots(options) * 2);
    }

    /// <summary>URL fetches at once: the configured number, but never more than half the workers.</summary>
    public static int FetchSlots(ServerOptions o) => Math.Max(1, Math.Min(o.MaxConcurrentUrlFetches, o.MaxConcurrentRequests / 2));

    public void Dispose() => _inServer.Dispose();

    /// <summary>A place among all requests in the server; not acquired when it is full.</summary>
    public RateLimitLease EnterServer() => _inServer.AttemptAcquire();

    /// <summary>Runs after authentication: the per-key cap, the fetch slots and the fair worker queue.</summary>
    public async Task RunAsync(HttpContext ctx, RequestDelegate next)
    {
        if (ctx.Items[typeof(Caller)] is not Caller caller) { await next(ctx); return; } // anonymous routes: health, sign-in
        int cap = caller.MaxConcurrent ?? _options.DefaultKeyMaxConcurrent;
        var count = _perKey.GetOrAdd(caller.KeyId, _ => new StrongBox<int>());
        try
        {
            if (Interlocked.Increment(ref count.Value) > cap)
            {
                await ProblemMapper.WriteAsync(ctx, 429, $"this key already has {cap} requests in progress (its concurrency limit); wait for some to finish", Pipeline.OneSecond);
                return;
            }
            IDisposable? fetch = null;
            if (IsUrlFetch(ctx) && (fetch = await _fetches.AcquireAsync(caller.KeyId, _options.RequestQueueWait, ctx.RequestAborted)) is null)
            {
                await ServerBusy(ctx, "too many URL fetches in progress");
                return;
            }
            using (fetch)
            {
                using var worker = await _workers.AcquireAsync(caller.KeyId, _options.RequestQueueWait, ctx.RequestAborted);
                if (worker is null)
                {
                    await ServerBusy(ctx, "too many requests in progress");
                    return;
                }
                await next(ctx);
            }
        }
        finally { Interlocked.Decrement(ref count.Value); }
    }

    private static bool IsUrlFetch(HttpContext ctx) =>
        ctx.GetEndpoint()?.Metadata.GetMetadata<FetchesUrl>() is { } f
        && (f.QueryParameter is null || !string.IsNullOrEmpty(ctx.Request.Query[f.QueryParameter].ToString()));

    private static Task ServerBusy(HttpContext ctx, string what)
    {
        return ProblemMapper.WriteAsync(ctx, 503, $"server busy: {what}; retry shortly", Pipeline.OneSecond);
    }
}

public static class FetchesUrlExtensions
{
    /// <summary>Marks a route that fetches a URL (always, or when the query parameter is present).</summary>
    public static TBuilder FetchesUrl<TBuilder>(this TBuilder builder, string? queryParameter = null) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new FetchesUrl(queryParameter));
        return builder;
    }
}
