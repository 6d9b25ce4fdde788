namespace Safeguard.Crawl;

/// <summary>Counters of one crawler's run (thread-safe), for progress and summary.json.</summary>
public sealed class CrawlStats
{
    private long _pages, _media, _hashed, _duplicates, _sightings, _problems, _bytes, _retries;

    public long PagesFetched => Interlocked.Read(ref _pages);
    public long MediaFetched => Interlocked.Read(ref _media);
    /// <summary>Distinct contents hashed and matched by this crawler.</summary>
    public long MediaHashed => Interlocked.Read(ref _hashed);
    /// <summary>Media whose bytes were already hashed (at another URL): not hashed again.</summary>
    public long DuplicateMedia => Interlocked.Read(ref _duplicates);
    public long Sightings => Interlocked.Read(ref _sightings);
    public long Problems => Interlocked.Read(ref _problems);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Retries => Interlocked.Read(ref _retries);

    internal void Page() => Interlocked.Increment(ref _pages);
    internal void Media() => Interlocked.Increment(ref _media);
    internal void Hashed() => Interlocked.Increment(ref _hashed);
    internal void Duplicate() => Interlocked.Increment(ref _duplicates);
    internal void Sighted(int n) => Interlocked.Add(ref _sightings, n);
    internal void Problem() => Interlocked.Increment(ref _problems);
    internal void Read(long bytes) => Interlocked.Add(ref _bytes, bytes);
    internal void Retry() => Interlocked.Increment(ref _retries);
}
