using Safeguard.Server.Api;
using Safeguard.Server.Media;

namespace Safeguard.Server.Tests;

/// <summary>The fair worker queue and the decode budget, on their own.</summary>
public sealed class LimiterTests
{
    private static readonly string[] FairOrder = ["a0", "b0", "c0", "a1", "a2"];

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Fair_limiter_serves_keys_in_turn_not_in_arrival_order()
    {
        var limiter = new FairConcurrencyLimiter(permits: 1, queueLimit: 100);
        var held = await limiter.AcquireAsync(1, Long, CancellationToken.None);
        Assert.NotNull(held);
        var order = new List<string>();
        var waiting = new List<Task>();
        for (int i = 0; i < 10; i++) waiting.Add(Take(1, $"a{i}"));
        waiting.Add(Take(2, "b0"));
        waiting.Add(Take(3, "c0"));
        Assert.Equal(12, limiter.Queued);
        held!.Dispose();
        await Task.WhenAll(waiting);
        // Key 1 queued first, so it goes first; then keys 2 and 3 get their turns before key 1's backlog.
        Assert.Equal(FairOrder, order.Take(5));
        Assert.Equal(0, limiter.Queued);

        async Task Take(long key, string name)
        {
            using var lease = await limiter.AcquireAsync(key, Long, CancellationToken.None);
            Assert.NotNull(lease);
            lock (order) order.Add(name);
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Fair_limiter_refuses_past_its_queue_and_its_wait_and_gives_back_abandoned_places()
    {
        var limiter = new FairConcurrencyLimiter(permits: 1, queueLimit: 2);
        using var held = await limiter.AcquireAsync(1, Long, CancellationToken.None);
        var timedOut = await limiter.AcquireAsync(1, TimeSpan.FromMilliseconds(50), CancellationToken.None);
        Assert.Null(timedOut);
        Assert.Equal(0, limiter.Queued);

        using var cancel = new CancellationTokenSource();
        var abandoned = limiter.AcquireAsync(2, Long, cancel.Token);
        var queued = limiter.AcquireAsync(3, Long, CancellationToken.None);
        Assert.Equal(2, limiter.Queued);
        Assert.Null(await limiter.AcquireAsync(4, Long, CancellationToken.None)); // queue full: refused at once
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(1, limiter.Queued);
        held!.Dispose();
        using var next = await queued.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(next);
    }

    [Fact]
    public async Task Decode_budget_holds_pixels_first_come_first_served_and_times_out()
    {
        var budget = new DecodeBudget(100);
        var a = await budget.AcquireAsync(60, Long, CancellationToken.None);
        var big = budget.AcquireAsync(60, Long, CancellationToken.None);   // does not fit beside a
        var small = budget.AcquireAsync(10, Long, CancellationToken.None); // would fit, but waits behind big
        await Task.Delay(50);
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);
        Assert.Null(await budget.AcquireAsync(10, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        a!.Dispose();
        using var bigLease = await big.WaitAsync(TimeSpan.FromSeconds(5));
        using var smallLease = await small.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(70, budget.InUse);

        // An image larger than the whole budget runs alone, once the rest is free.
        var huge = budget.AcquireAsync(1_000, Long, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(huge.IsCompleted);
        bigLease!.Dispose();
        smallLease!.Dispose();
        using (var h = await huge.WaitAsync(TimeSpan.FromSeconds(5))) Assert.Equal(100, budget.InUse);
        Assert.Equal(0, budget.InUse);
    }
}
