using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Safeguard.Server.Auth;

namespace Safeguard.Server.Api;

public sealed record SignInRequest(string? Key);

/// <summary>The review UI (static files embedded in the assembly), reviewer sign-in, and the OpenAPI document.</summary>
public static class UiEndpoints
{
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Redirect("/ui/")).AllowAnonymousCaller();
        app.MapGet("/ui/", (HttpContext ctx) => Static(ctx, "index.html", "text/html; charset=utf-8")).AllowAnonymousCaller();
        app.MapGet("/ui/app.js", (HttpContext ctx) => Static(ctx, "app.js", "text/javascript; charset=utf-8")).AllowAnonymousCaller();
        app.MapGet("/ui/app.css", (HttpContext ctx) => Static(ctx, "app.css", "text/css; charset=utf-8")).AllowAnonymousCaller();
        app.MapGet("/openapi.json", (HttpContext ctx) => Static(ctx, "openapi.json", "application/json")).Roles(Roles.All);

        // Sign-in and sign-out only from the UI's own page: a cross-site form or no-cors fetch could otherwise sign a browser in with the attacker's key.
        app.MapPost("/ui/session", async (HttpContext ctx, ServerState s) =>
        {
            if (BrowserRequests.ForgeryReason(ctx.Request) is { } refusal) return Http.Error(403, refusal);
            var body = await Http.ReadJsonAsync<SignInRequest>(ctx.Request);
            var caller = string.IsNullOrEmpty(body.Key) ? null : await s.Keys.AuthenticateAsync(body.Key);
            if (caller is null) return Http.Error(401, "unknown or revoked key");
            if (!caller.Has(Roles.Reviewer)) return Http.Error(403, "only reviewer keys may sign in to the review UI");
            var token = await s.Keys.CreateSessionAsync(caller, s.Options.SessionLifetime);
            ctx.Response.Cookies.Append(Pipeline.SessionCookie, token, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = ctx.Request.IsHttps,
                MaxAge = s.Options.SessionLifetime,
            });
            return Results.Json(new { reviewer = caller.Name, roles = caller.Roles });
        }).AllowAnonymousCaller();
        app.MapDelete("/ui/session", async (HttpContext ctx, ServerState s) =>
        {
            if (BrowserRequests.ForgeryReason(ctx.Request) is { } refusal) return Http.Error(403, refusal);
            if (ctx.Request.Cookies.TryGetValue(Pipeline.SessionCookie, out var t)) await s.Keys.EndSessionAsync(t);
            ctx.Response.Cookies.Delete(Pipeline.SessionCookie);
            return Results.Json(new { signed_out = true });
        }).AllowAnonymousCaller();
    }

    private static IResult Static(HttpContext ctx, string name, string type)
    {
        ctx.Response.Headers.ContentSecurityPolicy = Csp;
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new ApiException(404, "not found");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return Results.Bytes(ms.ToArray(), type);
    }
}
