namespace Safeguard.Server.Api;

/// <summary>
/// A concurrency limit whose waiters queue per key and are served in turn, one per key (round robin),
/// so a key with many waiting requests delays another key's request by at most one turn.
/// The queue is bounded; past it, or past the wait, the caller gets null (answered 503).
/// </summary>
public sealed class FairConcurrencyLimiter
{
    private readonly object _lock = new();
    private readonly Dictionary<long, KeyQueue> _queues = [];
    private readonly LinkedList<KeyQueue> _turns = new(); // keys with waiters, next to be served first
    private readonly int _queueLimit;
    private int _available, _queued;

    public FairConcurrencyLimiter(int permits, int queueLimit)
    {
        if (permits < 1) throw new ArgumentOutOfRangeException(nameof(permits), "at least one permit is needed");
        Permits = _available = permits;
        _queueLimit = Math.Max(0, queueLimit);
    }

    public int Permits { get; }

    public int Queued { get { lock (_lock) return _queued; } }

    /// <summary>A permit for <paramref name="key"/>, or null when the queue is full or none came free within <paramref name="wait"/>.</summary>
    public async Task<IDisposable?> AcquireAsync(long key, TimeSpan wait, CancellationToken ct)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_available > 0 && _queued == 0)
            {
                _available--;
                return new Lease(this);
            }
            if (_queued >= _queueLimit) return null;
            waiter = Enqueue(key);
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
                    Remove(waiter);
                    if (ex is OperationCanceledException) throw;
                    return null;
                }
            }
            // Granted in the same instant: the permit is ours.
        }
        return new Lease(this);
    }

    private Waiter Enqueue(long key)
    {
        if (!_queues.TryGetValue(key, out var queue))
        {
            queue = new KeyQueue(key);
            _queues[key] = queue;
            _turns.AddLast(queue.Turn);
        }
        var waiter = new Waiter(queue);
        waiter.Node = queue.Waiters.AddLast(waiter);
        _queued++;
        return waiter;
    }

    private void Remove(Waiter waiter)
    {
        var queue = waiter.Queue;
        queue.Waiters.Remove(waiter.Node!);
        _queued--;
        if (queue.Waiters.Count == 0) Forget(queue);
    }

    private void Forget(KeyQueue queue)
    {
        _turns.Remove(queue.Turn);
        _queues.Remove(queue.Key);
    }

    private void Release()
    {
        lock (_lock)
        {
            if (_turns.First is not { } turn)
            {
                _available++;
                return;
            }
            var queue = turn.Value;
            var waiter = queue.Waiters.First!.Value;
            queue.Waiters.RemoveFirst();
            _queued--;
            _turns.RemoveFirst();
            if (queue.Waiters.Count > 0) _turns.AddLast(queue.Turn); // back of the line: the next key goes first
            else _queues.Remove(queue.Key);
            waiter.Granted.TrySetResult();
        }
    }

    private sealed class KeyQueue
    {
        public KeyQueue(long key) { Key = key; Turn = new LinkedListNode<KeyQueue>(this); }
        public long Key { get; }
        public LinkedListNode<KeyQueue> Turn { get; }
        public LinkedList<Waiter> Waiters { get; } = new();
    }

    private sealed class Waiter(KeyQueue queue)
    {
        public KeyQueue Queue { get; } = queue;
        public LinkedListNode<Waiter>? Node { get; set; }
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Lease(FairConcurrencyLimiter limiter) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) limiter.Release();
        }
    }
}
