using System.Collections.Concurrent;
using System.Diagnostics;

namespace Safeguard.Crawl.Fetching;

/// <summary>
/// Per-host politeness: at most N requests at once to a host and a delay between the starts of
/// two requests to it (the larger of the configured delay and the host's robots.txt Crawl-delay).
/// </summary>
public sealed class HostPoliteness(int perHostConcurrency, TimeSpan delay)
{
    // Hosts live as long as the crawl; their semaphores are never waited on by handle, so need no disposal.
#pragma warning disable CA1001
    private sealed class Host(int concurrency)
    {
        public readonly SemaphoreSlim Slots = new(concurrency, concurrency);
        public readonly Lock Lock = new();
        public long NextStart = Stopwatch.GetTimestamp();
    }
#pragma warning restore CA1001

    private readonly ConcurrentDictionary<string, Host> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan Delay { get; } = delay;

    /// <summary>Waits for a slot and for the host's next start time; dispose the result when the request is done.</summary>
    public async Task<IDisposable> EnterAsync(string hostKey, TimeSpan? crawlDelay, CancellationToken ct)
    {
        var host = _hosts.GetOrAdd(hostKey, _ => new Host(Math.Max(1, perHostConcurrency)));
        await host.Slots.WaitAsync(ct);
        try
        {
            var gap = crawlDelay is { } d && d > Delay ? d : Delay;
            if (gap > TimeSpan.Zero)
            {
                long start;
                lock (host.Lock)
                {
                    long now = Stopwatch.GetTimestamp();
                    start = Math.Max(now, host.NextStart);
                    host.NextStart = start + (long)(gap.TotalSeconds * Stopwatch.Frequency);
                }
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), start);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            }
            return new Release(host.Slots);
        }
        catch
        {
            host.Slots.Release();
            throw;
        }
    }

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) slots.Release();
        }
    }
}
