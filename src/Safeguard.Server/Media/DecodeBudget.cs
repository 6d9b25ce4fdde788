namespace Safeguard.Server.Media;

/// <summary>
/// Caps the pixels being decoded at once across all requests: a decode holds its image's pixel
/// count (read from the header) until it is done, so concurrent large images cannot exhaust memory.
/// Waiters are served first come, first served, so a large image is not overtaken forever by small ones;
/// an image larger than the whole budget runs alone.
/// </summary>
public sealed class DecodeBudget
{
    private readonly object _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available;

    public DecodeBudget(long pixels)
    {
        if (pixels < 1) throw new ArgumentOutOfRangeException(nameof(pixels), "the decode budget must be at least 1 pixel");
        Capacity = _available = pixels;
    }

    public long Capacity { get; }

    /// <summary>Pixels now held by running decodes.</summary>
    public long InUse { get { lock (_lock) return Capacity - _available; } }

    /// <summary>Holds <paramref name="pixels"/> (capped at the whole budget); null when none came free within <paramref name="wait"/>.</summary>
    public async Task<IDisposable?> AcquireAsync(long pixels, TimeSpan wait, CancellationToken ct)
    {
        long need = Math.Clamp(pixels, 0, Capacity);
        if (need == 0) return Lease.Empty;
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available >= need)
            {
                _available -= need;
                return new Lease(this, need);
            }
            waiter = new Waiter(need);
            waiter.Node = _waiters.AddLast(waiter);
        }
        try
        {
            await waiter.Granted.Task.WaitAsync(wait, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                if (!waiter.Granted.Task.IsCompleted)
                {
                    _waiters.Remove(waiter.Node!);
                    GrantWaiting(); // those behind it may fit now
                    if (ex is OperationCanceledException) throw;
                    return null;
                }
            }
            // Granted in the same instant: the pixels are ours, use them.
        }
        return new Lease(this, need);
    }

    private void Release(long pixels)
    {
        lock (_lock)
        {
            _available += pixels;
            GrantWaiting();
        }
    }

    /// <summary>Grants waiters in order while the first one fits. Caller holds the lock.</summary>
    private void GrantWaiting()
    {
        while (_waiters.First is { } first && first.Value.Pixels <= _available)
        {
            _available -= first.Value.Pixels;
            _waiters.RemoveFirst();
            first.Value.Granted.TrySetResult();
        }
    }

    private sealed class Waiter(long pixels)
    {
        public long Pixels { get; } = pixels;
        public LinkedListNode<Waiter>? Node { get; set; }
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lease(DecodeBudget? budget, long pixels) : IDisposable
    {
        public static readonly Lease Empty = new(null, 0);
        private int _released;

        public void Dispose()
        {
            if (budget is not null && Interlocked.Exchange(ref _released, 1) == 0) budget.Release(pixels);
        }
    }
}
