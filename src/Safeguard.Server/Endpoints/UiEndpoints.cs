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
        app.MapGet("/ui/", (HttpContext ctx) => Static(ctx, "index.html")).AllowAnonymousCaller()
            .WithName("Ui").WithSummary("Review console (sign in with a reviewer key)").Produces(200, contentType: "text/html");
        app.MapGet("/ui/admin/", (HttpContext ctx) => Static(ctx, "admin.html")).AllowAnonymousCaller()
            .WithName("UiAdmin").WithSummary("Operator dashboard (sign in with an admin key)").Produces(200, contentType: "text/html");
        // Scripts, styles and images: only the files built into the assembly, by exact name.
        app.MapGet("/ui/{file}", (string file, HttpContext ctx) => Static(ctx, file)).AllowAnonymousCaller()
            .WithName("UiAsset").WithSummary("The UI's scripts, styles and images").Produces(200);

        // Sign-in and sign-out only from the UI's own page: a cross-site form or no-cors fetch could otherwise sign a browser in with the attacker's key.
        app.MapPost("/ui/session", async (HttpContext ctx, ApiKeyStore keys, ServerOptions options) =>
        {
            if (BrowserRequests.ForgeryReason(ctx.Request) is { } refusal) return ProblemMapper.Problem(403, refusal);
            var body = await Http.ReadJsonAsync<SignInRequest>(ctx.Request);
            var caller = string.IsNullOrEmpty(body.Key) ? null : await keys.AuthenticateAsync(body.Key);
            if (caller is null) return ProblemMapper.Problem(401, "unknown or revoked key");
            if (!caller.Has(Roles.Reviewer) && !caller.Has(Roles.Admin)) return ProblemMapper.Problem(403, "only reviewer and admin keys may sign in to the UI");
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

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript; charset=utf-8", [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml", [".png"] = "image/png",
    };

    private static IResult Static(HttpContext ctx, string name)
    {
        if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var type)) throw new NotFoundException("no such UI file");
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("ui/" + name) ?? throw new NotFoundException("no such UI file");
        ctx.Response.Headers.ContentSecurityPolicy = Csp;
        ctx.Response.Headers.XContentTypeOptions = "nosniff";
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return Results.Bytes(ms.ToArray(), type);
    }
}
