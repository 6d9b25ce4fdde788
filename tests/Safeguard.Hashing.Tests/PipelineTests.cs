using System.Security.Cryptography;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Pipeline;

namespace Safeguard.Hashing.Tests;

public class PipelineTests
{
    private static readonly string Bridge = Path.Combine(TestData.Pdq, "bridge-mods", "aaa-orig.jpg");

    [Fact]
    public void FilesOverTheImageLimitGetStreamedExactHashesOnly()
    {
        using var hasher = new FileHasher(new FileHashOptions { MaxImageFileBytes = 10_000 });
        var r = hasher.HashFile(Bridge);
        var bytes = File.ReadAllBytes(Bridge);
        Assert.Equal(MD5.HashData(bytes), r.Md5);
        Assert.Equal(SHA1.HashData(bytes), r.Sha1);
        Assert.Equal(SHA256.HashData(bytes), r.Sha256);
        Assert.Null(r.Pdq);
        Assert.Contains("over the image size limit", r.Error);
    }

    [Fact]
    public void TheJpegHotPathAllocatesNothingPerImage()
    {
        var bytes = File.ReadAllBytes(Bridge);
        using var decoder = new ImageDecoder();
        using var pdq = new PdqHasher();
        int good = 0;
        for (int i = 0; i < 3; i++) Once(); // grow buffers, JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Once();
        long perImage = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        Assert.Equal(23, good);
        Assert.True(perImage < 64, $"{perImage} bytes allocated per image");

        void Once()
        {
            if (decoder.TryDecodeJpegPlanes(bytes, out var planes) && pdq.Hash(planes).Quality == 100) good++;
        }
    }

    [Fact]
    public void OrderedParallelKeepsInputOrderAndBoundsMemory()
    {
        var seen = new List<int>();
        int inFlight = 0, maxInFlight = 0;
        OrderedParallel.Run(
            Enumerable.Range(0, 5000),
            () => new NoState(),
            (_, i) =>
            {
                int now = Interlocked.Increment(ref inFlight);
                int m;
                while (now > (m = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, now, m) != m) { }
                if (i % 97 == 0) Thread.Sleep(2); // uneven work
                return i;
            },
            i => { Interlocked.Decrement(ref inFlight); seen.Add(i); },
            threads: 4);
        Assert.Equal(Enumerable.Range(0, 5000), seen);
        Assert.True(maxInFlight <= 4 * 16 + 4, $"{maxInFlight} results held at once");
    }

    [Fact]
    public void WithACostTheCostliestWaitingItemsStartFirstAndResultsStayInOrder()
    {
        // Items 0 and 1 hold both workers until every item is queued; then the two big items
        // at the end of the input must be the next to start, ahead of the small ones before them.
        const int Count = 20;
        using var allQueued = new ManualResetEventSlim();
        using var firstTwoStarted = new CountdownEvent(2);
        var started = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var emitted = new List<int>();
        IEnumerable<int> Items()
        {
            yield return 0;
            yield return 1;
            Assert.True(firstTwoStarted.Wait(TimeSpan.FromSeconds(10)), "the workers never started");
            for (int i = 2; i < Count; i++) yield return i;
            allQueued.Set();
        }
        OrderedParallel.Run(
            Items(),
            () => new NoState(),
            (_, i) =>
            {
                started.Enqueue(i);
                if (i < 2) firstTwoStarted.Signal();
                if (i < 2) Assert.True(allQueued.Wait(TimeSpan.FromSeconds(10)), "the producer never finished");
                return i;
            },
            emitted.Add,
            threads: 2,
            cost: i => i >= Count - 2 ? 1000 : 1);
        Assert.Equal(Enumerable.Range(0, Count), emitted);
        var order = started.ToArray();
        Assert.Equal([0, 1], order[..2].Order());
        Assert.Equal([Count - 2, Count - 1], order[2..4].Order());
        Assert.Equal(Enumerable.Range(2, Count - 4), order[4..]); // equal costs keep input order
    }

    [Fact]
    public void AWorkerFailureSurfacesInsteadOfHanging()
    {
        var ex = Assert.Throws<AggregateException>(() => OrderedParallel.Run(
            Enumerable.Range(0, 100), () => new NoState(),
            (_, i) => i == 50 ? throw new InvalidOperationException("boom") : i, _ => { }, threads: 2));
        Assert.Contains("boom", ex.InnerException!.Message);
    }

    [Fact]
    public void AfterAFailureEveryWorkerHasStoppedBeforeRunReturns()
    {
        // Several workers fail at once while others are still busy: none of them may touch the
        // run's queue or semaphores after Run has returned (that crashed the process once).
        for (int round = 0; round < 200; round++)
        {
            int running = 0;
            Assert.Throws<AggregateException>(() => OrderedParallel.Run(
                Enumerable.Range(0, 400), () => new NoState(),
                (_, i) =>
                {
                    Interlocked.Increment(ref running);
                    try
                    {
                        if (i % 7 == 3) throw new InvalidOperationException("boom");
                        Thread.SpinWait(200);
                        return i;
                    }
                    finally { Interlocked.Decrement(ref running); }
                },
                _ => { }, threads: 8));
            Assert.Equal(0, Volatile.Read(ref running));
        }
    }

    [Fact]
    public void AnEmitFailureStopsTheWorkersAndSurfaces()
    {
        int worked = 0;
        var ex = Assert.Throws<IOException>(() => OrderedParallel.Run(
            Enumerable.Range(0, 100_000), () => new NoState(),
            (_, i) => { Interlocked.Increment(ref worked); return i; },
            i => { if (i == 10) throw new IOException("disk full"); }, threads: 4));
        Assert.Equal("disk full", ex.Message);
        int after = Volatile.Read(ref worked);
        Thread.Sleep(50);
        Assert.Equal(after, Volatile.Read(ref worked));
        Assert.True(after < 100_000, "the workers went on after the writer failed");
    }

    [Fact]
    public void CallerCancellationStopsTheRun()
    {
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => OrderedParallel.Run(
            Enumerable.Range(0, 100_000), () => new NoState(),
            (_, i) => i,
            i => { if (i == 100) cts.Cancel(); }, threads: 4, cancel: cts.Token));
    }

    private sealed class NoState : IDisposable
    {
        public void Dispose() { }
    }
}
