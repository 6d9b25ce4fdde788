using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Safeguard.Exchanges.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 serving hash lists with validators (ETag, Last-Modified), and
/// hostile answers: a slow drip, redirects. The 1 GB answer is <see cref="HugeAnswerServer"/>.
/// </summary>
public sealed class ListServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// <summary>The list served at /etag/list.txt, /lm/list.txt and /plain/list.txt.</summary>
    public string List { get; set; } = "";
    public DateTimeOffset LastModified { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public int Requests;
    public int NotModified;
    public string? LastAuthorization;

    public int Port { get; }
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    private ListServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public static async Task<ListServer> StartAsync()
    {
        int port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new ListServer(app, port);
        server.Map(app);
        await app.StartAsync();
        return server;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            Interlocked.Increment(ref Requests);
            LastAuthorization = ctx.Request.Headers.Authorization.FirstOrDefault();
            await next(ctx);
        });
        app.MapGet("/etag/list.txt", (HttpContext ctx) =>
        {
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(List)))[..16] + "\"";
            if (ctx.Request.Headers.IfNoneMatch == etag) return NotModifiedResult();
            ctx.Response.Headers.ETag = etag;
            return Results.Text(List, "text/plain");
        });
        app.MapGet("/lm/list.txt", (HttpContext ctx) =>
        {
            if (DateTimeOffset.TryParse(ctx.Request.Headers.IfModifiedSince, out var since) && since >= LastModified) return NotModifiedResult();
            ctx.Response.Headers.LastModified = LastModified.ToString("R");
            return Results.Text(List, "text/plain");
        });
        app.MapGet("/plain/list.txt", () => Results.Text(List, "text/plain"));
        app.MapGet("/auth/list.txt", (HttpContext ctx) =>
            ctx.Request.Headers.Authorization == "Bearer s3cret" ? Results.Text(List, "text/plain") : Results.StatusCode(401));
        app.MapGet("/busy", (HttpContext ctx) =>
        {
            ctx.Response.Headers.RetryAfter = "600";
            return Results.StatusCode(503);
        });
        app.MapGet("/drip", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain";
            for (int i = 0; i < 600 && !ctx.RequestAborted.IsCancellationRequested; i++)
            {
                try
                {
                    await ctx.Response.Body.WriteAsync("0"u8.ToArray(), ctx.RequestAborted);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                    await Task.Delay(100, ctx.RequestAborted);
                }
                catch (Exception) { return; }
            }
        });
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{n + 1}"));
    }

    private IResult NotModifiedResult()
    {
        Interlocked.Increment(ref NotModified);
        return Results.StatusCode(304);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
