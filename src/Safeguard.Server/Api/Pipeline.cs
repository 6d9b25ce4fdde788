using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Conversations.Model;
using Safeguard.Server.Auth;
using Safeguard.Server.Media;

namespace Safeguard.Server.Api;

/// <summary>
/// Middleware order: a cap on requests in the server (503 past it), errors to JSON, security headers,
/// routing, authentication and role check, per-key token bucket (429), <see cref="Admission"/> (per-key
/// concurrency cap, URL-fetch slots, fair worker queue), endpoint.
/// </summary>
public static class Pipeline
{
    public const string SessionCookie = "sg_session";

    public static void Configure(WebApplication app, ServerState state)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("safeguard.http");
        var admission = new Admission(state.Options);
        var buckets = new ConcurrentDictionary<long, TokenBucketRateLimiter>();

        int maxBacklog = Math.Max(64, state.Options.MaxQueuedRequests);
        app.Use(async (ctx, next) =>
        {
            // Past capacity, work waits in the thread pool before any middleware sees it; shed load
            // when that backlog is long, so queues stay short and the answer comes at once.
            if (ThreadPool.PendingWorkItemCount > maxBacklog && !IsHealth(ctx.Request.Path))
            {
                ctx.Response.Headers.RetryAfter = "1";
                await Http.Error(503, "server busy: over capacity; retry shortly").ExecuteAsync(ctx);
                return;
            }
            using var lease = admission.EnterServer();
            if (!lease.IsAcquired)
            {
                ctx.Response.Headers.RetryAfter = "1";
                await Http.Error(503, "server busy: too many requests in progress; retry shortly").ExecuteAsync(ctx);
                return;
            }
            await RunSafely(ctx, next, log);
        });
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
            var caller = await Authenticate(ctx, state);
            if (caller is null)
            {
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                await Http.Error(401, "a valid API key is required (Authorization: Bearer KEY or X-API-Key: KEY)").ExecuteAsync(ctx);
                return;
            }
            var roles = endpoint.Metadata.GetMetadata<RequireRoles>()?.Roles ?? [Roles.Admin];
            if (roles.Length > 0 && !roles.Any(caller.Has))
            {
                await Http.Error(403, $"this key lacks the role for this route (needs one of: {string.Join(", ", roles)})").ExecuteAsync(ctx);
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
                    await Http.Error(403, refusal).ExecuteAsync(ctx);
                    return;
                }
            }
            int rate = caller.RatePerSecond ?? state.Options.DefaultKeyRatePerSecond;
            var bucket = buckets.GetOrAdd(caller.KeyId, _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, rate * 2), TokensPerPeriod = Math.Max(1, rate / 10), ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0, AutoReplenishment = true,
            }));
            using var lease = bucket.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                ctx.Response.Headers.RetryAfter = "1";
                await Http.Error(429, "rate limit for this key exceeded; slow down").ExecuteAsync(ctx);
                return;
            }
            ctx.Items[typeof(Caller)] = caller;
            await next(ctx);
        });
        app.Use(admission.RunAsync);

        CoreEndpoints.Map(app);
        BankEndpoints.Map(app);
        HmaEndpoints.Map(app);
        ReviewEndpoints.Map(app);
        UiEndpoints.Map(app);
    }

    private static bool IsHealth(PathString path) => path.StartsWithSegments("/v1/health") || path.StartsWithSegments("/status");

    private static async Task RunSafely(HttpContext ctx, RequestDelegate next, ILogger log)
    {
        try { await next(ctx); }
        catch (Exception ex) when (!ctx.Response.HasStarted)
        {
            var (status, message) = ex switch
            {
                ApiException a => (a.Status, a.Message),
                FetchException f => (f.Status, f.Message),
                BankException b => (b.Message.Contains("no bank", StringComparison.OrdinalIgnoreCase) || b.Message.Contains("not found", StringComparison.OrdinalIgnoreCase) ? 404 : 400, b.Message),
                ConversationFormatException c => (400, c.Message),
                BadHttpRequestException b => (b.StatusCode, b.Message),
                ArgumentException a => (400, a.Message),
                InvalidOperationException i when i.Message.StartsWith("item ", StringComparison.Ordinal) => (409, i.Message),
                OperationCanceledException when ctx.RequestAborted.IsCancellationRequested => (499, "client went away"),
                _ => (500, "internal error"),
            };
            if (status == 500) log.LogError(ex, "unhandled error on {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            if (status == 499) return;
            ctx.Response.Clear();
            await Http.Error(status, message).ExecuteAsync(ctx);
        }
    }

    private static async ValueTask<Caller?> Authenticate(HttpContext ctx, ServerState state)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        string? key = auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
        if (string.IsNullOrEmpty(key)) key = ctx.Request.Headers["X-API-Key"].ToString();
        if (!string.IsNullOrEmpty(key)) return await state.Keys.AuthenticateAsync(key);
        if (ctx.Request.Cookies.TryGetValue(SessionCookie, out var session) && !string.IsNullOrEmpty(session))
            return await state.Keys.SessionAsync(session);
        return null;
    }

}
