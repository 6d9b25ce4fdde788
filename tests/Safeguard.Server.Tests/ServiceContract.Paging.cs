using System.Diagnostics;
using System.Net.Http.Json;
using Safeguard.Banks;
using static Safeguard.Server.Tests.ServerHarness;
using Safeguard.Signals;

namespace Safeguard.Server.Tests;

/// <summary>GET /v1/banks/{name}/entries: a deep page costs what the first one does.</summary>
public abstract partial class ServiceContract
{
    [SkippableFact]
    [Trait("Timing", "wall-clock")]
    public async Task A_deep_page_of_a_large_bank_is_as_fast_as_the_first()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        (await curator.PostAsJsonAsync("/v1/banks", new { name = "deep" })).EnsureSuccessStatusCode();
        const int count = 200_000;
        await h.State.Banks.ImportAsync("deep", Enumerable.Range(0, count).Select(i => new EntryRecord(SignalTypes.Md5, $"{i:x32}")));
        var ids = new List<long>();
        await foreach (var e in h.State.Banks.EnumerateEntriesAsync("deep")) ids.Add(e.Id);
        Assert.Equal(count, ids.Count);
        long deep = ids[^6];

        var page = await Json(await curator.GetAsync($"/v1/banks/deep/entries?after={deep}&limit=5"));
        Assert.Equal(Enumerable.Range(count - 5, 5).Select(i => $"{i:x32}"),
            page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("value").GetString()));
        Assert.Equal(ids[^1], page.GetProperty("next_after").GetInt64());
        var end = await Json(await curator.GetAsync($"/v1/banks/deep/entries?after={ids[^1]}&limit=5"));
        Assert.Equal(0, end.GetProperty("entries").GetArrayLength());
        Assert.False(end.TryGetProperty("next_after", out _));

        async Task<double> FastestMs(string url)
        {
            double best = double.MaxValue;
            for (int i = 0; i < 5; i++)
            {
                var sw = Stopwatch.StartNew();
                (await curator.GetAsync(url)).EnsureSuccessStatusCode();
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
            }
            return best;
        }
        double first = await FastestMs("/v1/banks/deep/entries?limit=5");
        double deepMs = await FastestMs($"/v1/banks/deep/entries?after={deep}&limit=5");
        Assert.True(deepMs <= first * 5 + 50, $"page after {deep}: {deepMs:F1} ms; first page: {first:F1} ms");
    }
}
