using System.Diagnostics;

namespace Safeguard.Crawl.Fetching;

/// <summary>
/// A token bucket shared by every fetch: readers wait until the bytes they took fit the global
/// rate. One second of burst.
/// </summary>
public sealed class BandwidthLimiter(long bytesPerSecond)
{
    private readonly Lock _lock = new();
    private readonly long _rate = bytesPerSecond;
    private double _tokens = bytesPerSecond;
    private long _last = Stopwatch.GetTimestamp();

    public async ValueTask TakeAsync(int bytes, CancellationToken ct)
    {
        if (_rate <= 0 || bytes <= 0) return;
        TimeSpan wait;
        lock (_lock)
        {
            long now = Stopwatch.GetTimestamp();
            _tokens = Math.Min(_rate, _tokens + Stopwatch.GetElapsedTime(_last, now).TotalSeconds * _rate);
            _last = now;
            _tokens -= bytes;
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _rate);
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }
}
