using System.Collections.Concurrent;

namespace Safeguard.Hashing.Pipeline;

/// <summary>
/// Runs work items on all cores and hands results back in input order, holding at most a
/// bounded window of finished-but-unwritten results in memory. Given a cost, workers take the
/// costliest item waiting in the window first, so that a large item near the end of the input
/// does not run alone while the other cores idle.
/// </summary>
public static class OrderedParallel
{
    /// <param name="createWorker">Called once per thread: per-thread state such as scratch buffers.</param>
    /// <param name="work">Turns one item into its result on a worker thread.</param>
    /// <param name="emit">Receives results in input order, on the calling thread.</param>
    /// <param name="cost">Optional estimate of an item's work (e.g. file size), taken on the calling thread.</param>
    public static void Run<TIn, TWorker, TOut>(
        IEnumerable<TIn> items,
        Func<TWorker> createWorker,
        Func<TWorker, TIn, TOut> work,
        Action<TOut> emit,
        int threads = 0,
        Func<TIn, long>? cost = null,
        CancellationToken cancel = default)
        where TWorker : IDisposable
    {
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        int window = Math.Max(64, threads * 16);
        using var queue = new BlockingCollection<(long Index, TIn Item)>(new CostliestFirst<TIn>(cost), window);
        var done = new ConcurrentDictionary<long, TOut>();
        using var ready = new SemaphoreSlim(0);
        using var slots = new SemaphoreSlim(window);
        // Cancelled when the caller is cancelled, a worker fails or the writer side throws, so
        // that every worker leaves its loop; they are all joined before anything is disposed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Exception? failure = null;

        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                try
                {
                    using var worker = createWorker();
                    foreach (var (index, item) in queue.GetConsumingEnumerable(stop.Token))
                    {
                        done[index] = work(worker, item);
                        ready.Release();
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Asked to stop: the writer side already knows why.
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref failure, ex, null);
                    stop.Cancel();
                    ready.Release();
                }
            }) { IsBackground = true, Name = $"safeguard-worker-{t}" };
            workers[t].Start();
        }

        long next = 0;
        // Emits every result that is next in order; when none was ready and block is set,
        // waits for one more worker result before returning.
        void Drain(bool block)
        {
            bool emitted = false;
            while (done.TryRemove(next, out var result))
            {
                emit(result);
                next++;
                slots.Release();
                emitted = true;
            }
            ThrowIfFailed();
            if (block && !emitted) ready.Wait(stop.Token);
        }

        void ThrowIfFailed()
        {
            if (Volatile.Read(ref failure) is { } f) throw new AggregateException("a worker failed", f);
        }

        long count = 0;
        try
        {
            foreach (var item in items)
            {
                stop.Token.ThrowIfCancellationRequested();
                // The slot bounds how far workers may run ahead of the writer.
                // A zero timeout never blocks; cancellation is checked just above.
                while (!slots.Wait(0, CancellationToken.None)) Drain(block: true);
                queue.Add((count++, item), stop.Token);
                Drain(block: false);
            }
            queue.CompleteAdding();
            while (next < count) Drain(block: true);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // Cancelled by a failing worker, not by the caller: report the worker's exception.
            ThrowIfFailed();
            throw;
        }
        finally
        {
            if (!queue.IsAddingCompleted) queue.CompleteAdding();
            if (next < count) stop.Cancel();
            foreach (var w in workers) w.Join();
        }
        ThrowIfFailed();
    }
}

/// <summary>
/// The work queue: the costliest item first, ties (and no cost at all) in input order. The
/// window already bounds how many items it holds.
/// </summary>
internal sealed class CostliestFirst<TIn>(Func<TIn, long>? cost) : IProducerConsumerCollection<(long Index, TIn Item)>
{
    private readonly PriorityQueue<(long Index, TIn Item), (long NegCost, long Index)> _queue = new();
    private readonly object _lock = new();

    public bool TryAdd((long Index, TIn Item) item)
    {
        long c = cost is null ? 0 : cost(item.Item);
        lock (_lock) _queue.Enqueue(item, (-c, item.Index));
        return true;
    }

    public bool TryTake(out (long Index, TIn Item) item)
    {
        lock (_lock) return _queue.TryDequeue(out item, out _);
    }

    public int Count
    {
        get { lock (_lock) return _queue.Count; }
    }

    public bool IsSynchronized => true;
    public object SyncRoot => _lock;

    public (long Index, TIn Item)[] ToArray()
    {
        lock (_lock) return _queue.UnorderedItems.OrderBy(e => e.Priority).Select(e => e.Element).ToArray();
    }

    public void CopyTo((long Index, TIn Item)[] array, int index) => ToArray().CopyTo(array, index);
    void System.Collections.ICollection.CopyTo(Array array, int index) => ToArray().CopyTo(array, index);
    public IEnumerator<(long Index, TIn Item)> GetEnumerator() => ((IEnumerable<(long Index, TIn Item)>)ToArray()).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
