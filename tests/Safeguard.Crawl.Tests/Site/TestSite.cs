using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Safeguard.Crawl.Tests.Site;

/// <summary>
/// A generated site on a real Kestrel at 127.0.0.1: pages, images from Meta's PDQ test set (some
/// banked by their reference hashes), a video, srcset, CSS backgrounds, og:image, a redirect
/// chain and loop, a calendar link farm, a 1 GB body, a slow drip, a gzip bomb, wrong
/// Content-Types, robots.txt, hostile links, a flaky page and an image removed later.
/// </summary>
public sealed class TestSite : IAsyncDisposable
{
    private WebApplication? _app;

    public Uri Root { get; private set; } = null!;
    public int Port { get; private set; }

    /// <summary>Every request path (with query) in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>When each request arrived (UTC), in arrival order.</summary>
    public ConcurrentQueue<DateTime> RequestTimes { get; } = new();

    /// <summary>The address every request came from (a proxy's outgoing address shows here).</summary>
    public ConcurrentBag<string> RemoteAddresses { get; } = [];

    /// <summary>Whether /img/removable.jpg still exists (a notice worked).</summary>
    public bool RemovableGone { get; set; }

    /// <summary>Serves the site slowly (ms per request) so a crawl can be killed midway.</summary>
    public int PageDelayMs { get; set; }

    /// <summary>Images served, by URL path: the reference file under testdata/pdq.</summary>
    public static readonly Dictionary<string, string> Images = new()
    {
        ["/img/bridge.jpg"] = "bridge-mods/aaa-orig.jpg",            // banked
        ["/img/copy-of-bridge.jpg"] = "bridge-mods/aaa-orig.jpg",    // same bytes at a second URL
        ["/img/q0003.jpg"] = "reg-test-input/labelme-subset/q0003.jpg", // srcset, not banked
        ["/img/wee.jpg"] = "misc-images/wee.jpg",                     // srcset, not banked
        ["/img/bg-q0122.jpg"] = "reg-test-input/labelme-subset/q0122.jpg", // style attribute, banked
        ["/img/q0004.jpg"] = "reg-test-input/labelme-subset/q0004.jpg", // <style>, not banked (quality 4 anyway)
        ["/img/og-q0291.jpg"] = "reg-test-input/labelme-subset/q0291.jpg", // og:image, banked
        ["/img/as-html"] = "reg-test-input/labelme-subset/q1050.jpg",  // served as text/html, banked
        ["/img/small.jpg"] = "misc-images/small.jpg",                 // page1, not banked
        ["/img/q2821.jpg"] = "reg-test-input/labelme-subset/q2821.jpg", // after the redirect chain, banked
        ["/img/removable.jpg"] = "reg-test-input/pen-and-coaster.png", // banked, removed later
        ["/private/secret.jpg"] = "reg-test-input/labelme-subset/q0746.jpg", // robots.txt disallows
    };

    /// <summary>The banked ones: path → reference file (its PDQ comes from expected-reference.csv).</summary>
    public static readonly string[] Banked = ["/img/bridge.jpg", "/img/bg-q0122.jpg", "/img/og-q0291.jpg", "/img/as-html", "/img/q2821.jpg", "/img/removable.jpg"];

    public const string VideoPath = "/video/chair.mp4";
    public const string VideoFile = "videos/chair-19-sd-bar.mp4";

    /// <summary>Bytes of the streamed huge body (1 GB, never held anywhere).</summary>
    public const long HugeBytes = 1L << 30;

    private static readonly Lazy<byte[]> Bomb = new(() =>
    {
        // 64 MB of zeros gzip to about 64 KB: far over the tests' body caps.
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) gz.Write(zeros);
        }
        return ms.ToArray();
    });

    public static string LongUrl { get; } = "/long?" + new string('a', 100_000);

    public async Task StartAsync()
    {
        _ = Bomb.Value; // made before the crawl starts, not during it
        Port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (ctx, next) =>
        {
            Requests.Enqueue(ctx.Request.Path + ctx.Request.QueryString);
            RequestTimes.Enqueue(DateTime.UtcNow);
            RemoteAddresses.Add(ctx.Connection.RemoteIpAddress?.ToString() ?? "");
            if (PageDelayMs > 0) await Task.Delay(PageDelayMs);
            await next(ctx);
        });
        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow: /private/\n\nUser-agent: OtherBot\nDisallow: /\n", "text/plain"));
        app.MapGet("/", () => Html(IndexPage()));
        app.MapGet("/page1", () => Html("""<html><body><img src="/img/small.jpg"><a href="/page2#frag">next</a></body></html>"""));
        app.MapGet("/page2", () => Html("""<html><body><p>depth two</p><a href="/page3">deeper</a></body></html>"""));
        app.MapGet("/page3", () => Html("""<html><body><p>depth three</p></body></html>"""));
        app.MapGet("/redirect/{n:int}", (int n) => Results.Redirect(n < 3 ? $"/redirect/{n + 1}" : "/final"));
        app.MapGet("/final", () => Html("""<html><body><img src="/img/q2821.jpg"></body></html>"""));
        app.MapGet("/loop/a", () => Results.Redirect("/loop/b"));
        app.MapGet("/loop/b", () => Results.Redirect("/loop/a"));
        app.MapGet("/calendar/{day:int}", (int day) => Html($"""<html><body><a href="/calendar/{day - 1}">prev</a><a href="/calendar/{day + 1}">next</a></body></html>"""));
        app.MapGet("/huge", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/jpeg"; // chunked: no length announced
            var chunk = new byte[64 * 1024];
            for (long sent = 0; sent < HugeBytes && !ctx.RequestAborted.IsCancellationRequested; sent += chunk.Length)
                await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
        });
        app.MapGet("/huge-declared", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/jpeg";
            ctx.Response.ContentLength = HugeBytes;
            await ctx.Response.Body.WriteAsync(new byte[] { 0xFF, 0xD8 });
            await ctx.Response.Body.FlushAsync();
            // The crawler must refuse on the header alone: no more body comes.
            try { await Task.Delay(TimeSpan.FromSeconds(30), ctx.RequestAborted); }
            catch (OperationCanceledException) { }
            ctx.Abort();
        });
        app.MapGet("/slow", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/html";
            try
            {
                for (int i = 0; i < 10_000; i++)
                {
                    await ctx.Response.Body.WriteAsync("<"u8.ToArray(), ctx.RequestAborted);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                    await Task.Delay(100, ctx.RequestAborted);
                }
            }
            catch (OperationCanceledException) { }
        });
        app.MapGet("/bomb.jpg", (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "image/jpeg";
            ctx.Response.Headers.ContentEncoding = "gzip";
            return ctx.Response.Body.WriteAsync(Bomb.Value).AsTask();
        });
        int flaky = 0;
        app.MapGet("/flaky", (HttpContext ctx) =>
        {
            if (Interlocked.Increment(ref flaky) == 1)
            {
                ctx.Response.Headers.RetryAfter = "0";
                return Results.StatusCode(503);
            }
            return Html("<html><body>recovered</body></html>");
        });
        app.MapGet("/gone.jpg", () => Results.NotFound());
        app.MapGet(VideoPath, () => Results.File(File.ReadAllBytes(TestData.VpdqFile(VideoFile)), "video/mp4"));
        app.MapGet("/long", () => Html("<html></html>"));
        app.MapGet("/img/removable.jpg", () => RemovableGone ? Results.NotFound() : Image("/img/removable.jpg", "image/png"));
        foreach (var (path, _) in Images)
        {
            if (path == "/img/removable.jpg") continue;
            var p = path;
            app.MapGet(p, () => Image(p, p == "/img/as-html" ? "text/html" : p.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg"));
        }
        await app.StartAsync();
        _app = app;
        Root = new Uri($"http://127.0.0.1:{Port}/");
    }

    public Uri Url(string path) => new(Root, path);

    private static IResult Image(string path, string contentType) => Results.File(File.ReadAllBytes(TestData.PdqFile(Images[path])), contentType);

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8);

    private string IndexPage() => $$"""
        <!DOCTYPE html>
        <html><head>
          <meta property="og:image" content="/img/og-q0291.jpg">
          <style>.hero { background: url("/img/q0004.jpg") no-repeat; }</style>
        </head><body>
          <a href="/page1">one</a>
          <a href="/redirect/1">moved</a>
          <a href="/loop/a">loop</a>
          <a href="/calendar/0">calendar</a>
          <a href="/flaky">flaky</a>
          <a href="/slow">slow</a>
          <img src="/img/bridge.jpg" alt="">
          <img src="/img/q0003.jpg" srcset="/img/q0003.jpg 1x, /img/wee.jpg 2x">
          <div style="background-image: url('/img/bg-q0122.jpg')">bg</div>
          <a href="/img/copy-of-bridge.jpg">same picture</a>
          <img src="/img/as-html">
          <img src="/img/removable.jpg">
          <img src="/private/secret.jpg">
          <img src="/huge">
          <img src="/huge-declared">
          <img src="/bomb.jpg">
          <img src="/gone.jpg">
          <video src="{{VideoPath}}" poster="/img/wee.jpg"></video>
          <a href="http://user:secret@127.0.0.1:{{Port}}/page1">credentials</a>
          <a href="ftp://127.0.0.1/file">ftp</a>
          <a href="{{LongUrl}}">long</a>
          <a href="http://аpple.example/">homograph</a>
          <p><b>unclosed <i>tags <div></p>
        </body></html>
        """;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
