using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SkiaSharp;
using Safeguard.Banks;
using Safeguard.Crawl;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Scope;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Exchanges.Http;
using Safeguard.Signals;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Cli.Bench;

/// <summary>
/// <c>safeguard bench crawl</c>: a generated site on loopback (pages in a binary tree, distinct
/// small JPEGs on each page), crawled with politeness off, every image hashed and matched against a
/// bank; then the naive baseline in the same run: one sequential HttpClient loop over the same
/// URLs, no parsing, no hashing, no frontier.
/// </summary>
public static class CrawlBenchmark
{
    public static async Task<int> RunAsync(int pages, int imagesPerPage, string dir, int bankSize, int concurrency, TextWriter output)
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        output.WriteLine($"machine: {BenchMachine.CpuModel()}, {Environment.ProcessorCount} cores, load {BenchMachine.LoadAverage():F2}");
        var sw = Stopwatch.StartNew();
        var images = MakeImages(pages * imagesPerPage);
        output.WriteLine($"site: {pages:N0} pages, {images.Length:N0} distinct JPEGs ({images.Sum(i => (long)i.Length) / images.Length:N0} bytes each on average), made in {sw.Elapsed.TotalSeconds:F1} s");

        await using var store = await SqliteBankStore.OpenAsync(Path.Combine(dir, "banks.db"));
        await store.CreateBankAsync("bench");
        var rng = new Random(1);
        await store.ImportAsync("bench", Enumerable.Range(0, bankSize).Select(_ =>
        {
            var bytes = new byte[32];
            rng.NextBytes(bytes);
            return new EntryRecord(SignalTypes.Pdq, Convert.ToHexStringLower(bytes));
        }));
        var matcher = new Matcher(await BankIndex.LoadAsync(store), new MatchPolicy());

        int port = BenchMachine.FreeLoopbackPort();
        await using var site = await StartSiteAsync(port, pages, imagesPerPage, images);
        var root = $"http://127.0.0.1:{port}/";

        var settings = new CrawlRunSettings
        {
            Seeds = [root + "p/0"], OutDir = Path.Combine(dir, "crawl"),
            Crawl = new CrawlOptions
            {
                Scope = new CrawlScope { MaxDepth = 64, MaxPages = pages, MaxPagesPerHost = pages },
                Concurrency = concurrency, PerHostConcurrency = int.MaxValue / 2, PerHostDelay = TimeSpan.Zero,
            },
            Fetch = new FetchOptions { Addresses = new AddressPolicy(["127.0.0.1/32"]) },
        };
        sw.Restart();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var summary = await CrawlRun.RunAsync(settings, matcher, null, CancellationToken.None);
        double crawlSeconds = sw.Elapsed.TotalSeconds;
        // CPU time is what a loaded machine does not change much: wall time shrinks with the share of the cores this process gets.
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        output.WriteLine($"crawl: {summary.PagesFetched:N0} pages, {summary.MediaHashed:N0} images hashed and matched against {bankSize:N0} PDQ entries in {crawlSeconds:F1} s: " +
            $"{summary.PagesFetched / crawlSeconds:F0} pages/s, {summary.MediaHashed / crawlSeconds:F0} images/s (frontier: SQLite, concurrency {concurrency})");
        long urls = summary.PagesFetched + summary.MediaFetched;
        output.WriteLine($"cpu: {cpuSeconds:F1} s of CPU in the crawl (the site's serving included), {cpuSeconds * 1000 / Math.Max(1, urls):F2} ms per URL, " +
            $"{cpuSeconds / crawlSeconds:F2} cores busy on average; at 2 whole cores that is {2 * urls / Math.Max(0.001, cpuSeconds):F0} URLs/s");

        // The naive baseline: the same URLs fetched one after another, bodies read and dropped.
        using var http = new HttpClient();
        sw.Restart();
        long bytes = 0;
        for (int i = 0; i < pages; i++) bytes += (await http.GetByteArrayAsync($"{root}p/{i}")).Length;
        for (int i = 0; i < images.Length; i++) bytes += (await http.GetByteArrayAsync($"{root}i/{i}.jpg")).Length;
        double naiveSeconds = sw.Elapsed.TotalSeconds;
        output.WriteLine($"naive: sequential HttpClient GET of the same {pages + images.Length:N0} URLs (no parsing, hashing or frontier): {naiveSeconds:F1} s, " +
            $"{(pages + images.Length) / naiveSeconds:F0} URLs/s fetched only ({bytes / 1e6:F0} MB)");
        output.WriteLine($"load after: {BenchMachine.LoadAverage():F2}");
        return summary.PagesFetched == pages && summary.MediaHashed == images.Length ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    /// <summary>Distinct small JPEGs: a gradient and a few rectangles drawn from each index's own random numbers.</summary>
    private static byte[][] MakeImages(int count)
    {
        var images = new byte[count][];
        Parallel.For(0, count, i =>
        {
            var rng = new Random(i);
            using var bitmap = new SKBitmap(96, 96);
            using (var canvas = new SKCanvas(bitmap))
            {
                using var paint = new SKPaint();
                paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(96, 96),
                    [new SKColor((uint)rng.Next() | 0xFF000000), new SKColor((uint)rng.Next() | 0xFF000000)], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, 96, 96, paint);
                paint.Shader = null;
                for (int r = 0; r < 6; r++)
                {
                    paint.Color = new SKColor((uint)rng.Next() | 0xFF000000);
                    canvas.DrawRect(rng.Next(96), rng.Next(96), 8 + rng.Next(40), 8 + rng.Next(40), paint);
                }
            }
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 85);
            images[i] = data.ToArray();
        });
        return images;
    }

    private static async Task<WebApplication> StartSiteAsync(int port, int pages, int imagesPerPage, byte[][] images)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nAllow: /\n"));
        app.MapGet("/p/{n:int}", (int n) =>
        {
            if (n < 0 || n >= pages) return Results.NotFound();
            var links = string.Concat(new[] { 2 * n + 1, 2 * n + 2 }.Where(c => c < pages).Select(c => $"<a href=\"/p/{c}\">page {c}</a> "));
            var imgs = string.Concat(Enumerable.Range(n * imagesPerPage, imagesPerPage).Select(i => $"<img src=\"/i/{i}.jpg\" alt=\"\">"));
            return Results.Content($"<!DOCTYPE html><html><head><title>page {n}</title></head><body><h1>page {n}</h1>{links}{imgs}</body></html>", "text/html");
        });
        app.MapGet("/i/{n:int}.jpg", (int n) => n >= 0 && n < images.Length ? Results.Bytes(images[n], "image/jpeg") : Results.NotFound());
        await app.StartAsync();
        return app;
    }
}
