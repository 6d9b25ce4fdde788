using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Api;

/// <summary>
/// Middleware order: a cap on requests in the server (503 past it), errors to JSON, security headers,
/// routing, authentication and role check, per-key token bucket (429), <see cref="Admission"/> (per-key
/// concurrency cap, URL-fetch slots, fair worker queue), endpoint. Endpoints are mapped by the host.
/// </summary>
public static class Pipeline
{
    public const string SessionCookie = "sg_session";

    public static void Configure(WebApplication app)
    {
        var options = app.Services.GetRequiredService<ServerOptions>();
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        var admission = app.Services.GetRequiredService<Admission>();
        var buckets = new ConcurrentDictionary<long, TokenBucketRateLimiter>();

        int maxBacklog = options.ThreadPoolBacklogLimit > 0 ? options.ThreadPoolBacklogLimit : Math.Max(64, options.MaxQueuedRequests);
        app.Use(async (ctx, next) =>
        {
            // Past capacity, work waits in the thread pool before any middleware sees it; shed load
            // when that backlog is long, so queues stay short and the answer comes at once.
            if (ThreadPool.PendingWorkItemCount > maxBacklog && !IsHealth(ctx.Request.Path))
            {
                await ProblemMapper.WriteAsync(ctx, 503, "server busy: over capacity; retry shortly", OneSecond);
                return;
            }
            using var lease = admission.EnterServer();
            if (!lease.IsAcquired)
            {
                await ProblemMapper.WriteAsync(ctx, 503, "server busy: too many requests in progress; retry shortly", OneSecond);
                return;
            }
            await next(ctx);
        });
        app.UseExceptionHandler(); // ServiceExceptionHandler: every failure below answers as problem details
        app.Use(ProblemMapper.FillEmptyErrorsAsync); // and so does an error answered without a body (404, 405)
        app.Use(async (ctx, next) =>
        {
            var h = ctx.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "no-referrer";
            h.XFrameOptions = "DENY";
            h.CacheControl = "no-store";
            // No other origin may embed a response (an <img> of a review image, a report) even where cookies go along.
            h["Cross-Origin-Resource-Policy"] = "same-origin";
            await next(ctx);
        });
        app.UseRouting();
        app.Use(async (ctx, next) =>
        {
            var endpoint = ctx.GetEndpoint();
            if (endpoint is null) { await next(ctx); return; }
            if (endpoint.Metadata.GetMetadata<Anonymous>() is not null) { await next(ctx); return; }
            var caller = await Authenticate(ctx, keys);
            if (caller is null)
            {
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                await ProblemMapper.Problem(401, "a valid API key is required (Authorization: Bearer KEY or X-API-Key: KEY)").ExecuteAsync(ctx);
                return;
            }
            var roles = endpoint.Metadata.GetMetadata<RequireRoles>()?.Roles ?? [Roles.Admin];
            if (roles.Length > 0 && !roles.Any(caller.Has))
            {
                await ProblemMapper.Problem(403, $"this key lacks the role for this route (needs one of: {string.Join(", ", roles)})").ExecuteAsync(ctx);
                return;
            }
            // A browser session acts only for the UI's own pages (CSRF defence): never from another site or
            // origin, and changes, media views and audited reads only with the UI's header.
            if (caller.ViaSession)
            {
                bool guarded = !HttpMethods.IsGet(ctx.Request.Method) || endpoint.Metadata.GetMetadata<AuditedRead>() is not null;
                var refusal = guarded ? BrowserRequests.ForgeryReason(ctx.Request) : BrowserRequests.CrossOriginReason(ctx.Request, allowTypedAddress: true);
                if (refusal is not null)
                {
                    await ProblemMapper.Problem(403, refusal).ExecuteAsync(ctx);
                    return;
                }
            }
            int rate = caller.RatePerSecond ?? options.DefaultKeyRatePerSecond;
            var bucket = buckets.GetOrAdd(caller.KeyId, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, rate * 2), TokensPerPeriod = Math.Max(1, rate / 10), ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0, AutoReplenishment = true,
            }));
            using var lease = bucket.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                await ProblemMapper.WriteAsync(ctx, 429, "rate limit for this key exceeded; slow down", OneSecond);
                return;
            }
            ctx.Items[typeof(Caller)] = caller;
            await next(ctx);
        });
        app.Use(admission.RunAsync);
    }

    internal static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private static bool IsHealth(PathString path) => path.StartsWithSegments("/v1/health") || path.StartsWithSegments("/status");

    private static async ValueTask<Caller?> Authenticate(HttpContext ctx, ApiKeyStore keys)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        string? key = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
        if (string.IsNullOrEmpty(key)) key = ctx.Request.Headers["X-API-Key"].ToString();
        if (!string.IsNullOrEmpty(key)) return await keys.AuthenticateAsync(key);
        if (ctx.Request.Cookies.TryGetValue(SessionCookie, out var session) && !string.IsNullOrEmpty(session))
            return await keys.SessionAsync(session);
        return null;
    }

}
