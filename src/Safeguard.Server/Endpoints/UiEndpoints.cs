using System.Reflection;
using Safeguard.Server.Api;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Endpoints;

/// <summary>The review UI (static files embedded in the assembly) and reviewer sign-in.</summary>
public static class UiEndpoints
{
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/ui/")).AllowAnonymousCaller().WithName("Root").WithSummary("Redirect to the review UI");
        app.MapGet("/ui/", (HttpContext ctx) => Static(ctx, "index.html", "text/html; charset=utf-8")).AllowAnonymousCaller()
            .WithName("Ui").WithSummary("Review UI (sign in with a reviewer key)").Produces(200, contentType: "text/html");
        app.MapGet("/ui/app.js", (HttpContext ctx) => Static(ctx, "app.js", "text/javascript; charset=utf-8")).AllowAnonymousCaller()
            .WithName("UiScript").WithSummary("Review UI script").Produces(200, contentType: "text/javascript");
        app.MapGet("/ui/app.css", (HttpContext ctx) => Static(ctx, "app.css", "text/css; charset=utf-8")).AllowAnonymousCaller()
            .WithName("UiStyle").WithSummary("Review UI style").Produces(200, contentType: "text/css");

        // Sign-in and sign-out only from the UI's own page: a cross-site form or no-cors fetch could otherwise sign a browser in with the attacker's key.
        app.MapPost("/ui/session", async (HttpContext ctx, ApiKeyStore keys, ServerOptions options) =>
        {
            if (BrowserRequests.ForgeryReason(ctx.Request) is { } refusal) return ProblemMapper.Problem(403, refusal);
            var body = await Http.ReadJsonAsync<SignInRequest>(ctx.Request);
            var caller = string.IsNullOrEmpty(body.Key) ? null : await keys.AuthenticateAsync(body.Key);
            if (caller is null) return ProblemMapper.Problem(401, "unknown or revoked key");
            if (!caller.Has(Roles.Reviewer)) return ProblemMapper.Problem(403, "only reviewer keys may sign in to the review UI");
            var token = await keys.CreateSessionAsync(caller, options.SessionLifetime);
            ctx.Response.Cookies.Append(Pipeline.SessionCookie, token, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", Secure = ctx.Request.IsHttps,
                MaxAge = options.SessionLifetime,
            });
            return Results.Json(new { reviewer = caller.Name, roles = caller.Roles });
        }).AllowAnonymousCaller().AcceptsJson<SignInRequest>().WithName("SignIn").Problems()
            .WithSummary("Sign in to the review UI: sets an HttpOnly session cookie (needs the X-Safeguard-UI header, same origin only)");
        app.MapDelete("/ui/session", async (HttpContext ctx, ApiKeyStore keys) =>
        {
            if (BrowserRequests.ForgeryReason(ctx.Request) is { } refusal) return ProblemMapper.Problem(403, refusal);
            if (ctx.Request.Cookies.TryGetValue(Pipeline.SessionCookie, out var t)) await keys.EndSessionAsync(t);
            ctx.Response.Cookies.Delete(Pipeline.SessionCookie);
            return Results.Json(new { signed_out = true });
        }).AllowAnonymousCaller().WithName("SignOut").WithSummary("Sign out").Problems();
    }

    private static IResult Static(HttpContext ctx, string name, string type)
    {
        ctx.Response.Headers.ContentSecurityPolicy = Csp;
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new NotFoundException("not found");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return Results.Bytes(ms.ToArray(), type);
    }
}
