using System.Collections.Concurrent;
using System.Net;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>A real HTTP server on 127.0.0.1 whose files a test can add, change and remove while it runs.</summary>
internal sealed class TestSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    /// <summary>Path → (status, body). A missing path answers 404.</summary>
    public ConcurrentDictionary<string, (int Status, byte[] Body)> Files { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, int> Hits { get; } = new(StringComparer.Ordinal);

    public string BaseUrl { get; }

    public TestSite()
    {
        int port = FreePort.Next();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url(string path) => BaseUrl + path;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            var path = context.Request.Url!.AbsolutePath;
            Hits.AddOrUpdate(path, 1, (_, n) => n + 1);
            var (status, body) = Files.TryGetValue(path, out var file) ? file : (404, "not found"u8.ToArray());
            context.Response.StatusCode = status;
            context.Response.ContentType = status == 200 ? "image/jpeg" : "text/plain";
            context.Response.ContentLength64 = body.Length;
            try { await context.Response.OutputStream.WriteAsync(body); context.Response.Close(); }
            catch (HttpListenerException) { }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(5000); } catch (AggregateException) { }
    }
}
