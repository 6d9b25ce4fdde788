using Safeguard.Exchanges;
using Safeguard.Exchanges.Http;
using static Safeguard.Exchanges.Tests.Items;

namespace Safeguard.Exchanges.Tests;

/// <summary>Tests that measure the process's memory, so they run alone (other tests' allocations would count).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryBound
{
    public const string Name = "memory-bound";
}

[Collection(MemoryBound.Name)]
public sealed class MemoryBoundTests
{
    [Fact]
    public async Task A_large_page_streams_through_without_being_held_in_memory()
    {
        await using var s = await Stores.SqliteAsync();
        await s.Exchanges.AddAsync(new ExchangeInfo { Name = "ngo", Type = "file", Bank = "ngo-bank" });
        const int count = 300_000;
        long baseline = GC.GetTotalMemory(forceFullCollection: true), peak = 0;
        IEnumerable<ExchangeItem> Generate()
        {
            for (int i = 1; i <= count; i++)
            {
                if (i % 50_000 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                yield return Add(i, upstreamId: "u" + i);
            }
        }
        var r = await s.Exchanges.ApplyPageAsync("ngo", new ExchangePage { Items = Generate(), Checkpoint = "c1", ReplacesAll = true }, null);
        Assert.Equal((count, (long)count), (r.Read, r.Added));
        // Held in memory, 300,000 items take some 85 MB (item, record, value, metadata); streamed, the heap stays flat.
        Assert.True(peak < 24L << 20, $"the managed heap grew by {peak} bytes while the page was applied");
        Assert.Equal(count, (await s.Banks.GetStatsAsync("ngo-bank")).Enabled);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_1_GB_answer_is_refused_at_the_limit_in_bounded_memory(bool declared)
    {
        await using var server = HugeAnswerServer.Start(declared);
        const long limit = 64L << 20;
        await using var s = await Stores.SqliteAsync();
        var settings = new ExchangeSettings([new("url", server.Url("/big"))]);
        await s.Exchanges.AddAsync(new ExchangeInfo { Name = "list", Type = "url", Bank = "list-bank", Settings = settings });
        var fetcher = new ExchangeFetcher(s.Exchanges, ExchangeHttp.CreateContext(new AddressPolicy(["127.0.0.1/32"]), new ExchangeLimits { MaxListBytes = limit }));
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var result = await fetcher.FetchAsync("list").WaitAsync(TimeSpan.FromSeconds(120));
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Assert.Contains(server.Url("/big"), result.Error);
        Assert.Contains($"over the limit of {limit} bytes", result.Error);
        Assert.True(allocated < limit / 2, $"allocated {allocated} bytes");
        Assert.True(server.BytesSent < HugeAnswerServer.Size / 4, $"the server got {server.BytesSent} bytes out: the download was not cut short");
        Assert.Empty(await s.EntriesAsync("list-bank"));
        Assert.DoesNotContain(Directory.GetFiles(Path.GetTempPath(), "safeguard-exchange-*.list"), f => new FileInfo(f).Length >= limit); // the partial download is gone
    }
}
