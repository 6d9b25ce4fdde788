using Safeguard.Crawl.Frontier;

namespace Safeguard.Server.Crawling;

/// <summary>
/// The service's crawl frontier: the crawl schema in the service's own database (the same SQLite
/// file or PostgreSQL database), opened and migrated on first use, so a service that never crawls
/// has no crawl tables.
/// </summary>
public sealed class CrawlFrontier(ServerOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _open = new(1, 1);
    private SqlFrontier? _frontier;

    public async Task<SqlFrontier> GetAsync(CancellationToken ct = default)
    {
        if (Volatile.Read(ref _frontier) is { } open) return open;
        await _open.WaitAsync(ct);
        try
        {
            return _frontier ??= await SqlFrontier.OpenAsync(options.ResolveDb(), ct);
        }
        finally
        {
            _open.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_frontier is { } f) await f.DisposeAsync();
        _open.Dispose();
    }
}
