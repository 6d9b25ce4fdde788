using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>Two servers on one PostgreSQL database: writes on one are matchable on the other without a rebuild.</summary>
public sealed class TwoNodeTests
{
    [Fact]
    public async Task An_entry_added_on_one_node_matches_on_the_other_within_10_seconds()
    {
        if (await TestDb.PostgresAsync() is not { } db) return;
        await using var a = await ServerHarness.StartAsync(db);
        await using var b = await ServerHarness.StartAsync(db);
        var curatorA = await a.ClientAsync("curator");
        var (matcherB, matcherSecret) = await b.KeyAsync("matcher-b", null, "matcher");
        using var matcherOnA = NewClient(a.BaseUrl, matcherSecret); // keys live in the shared database

        Assert.Equal(HttpStatusCode.Created, (await curatorA.PostAsJsonAsync("/v1/banks", new { name = "shared" })).StatusCode);
        var rng = new Random(5);
        for (int round = 0; round < 3; round++)
        {
            var pdq = Convert.ToHexStringLower(rng.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 32));
            var sw = Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.OK, (await curatorA.PostAsJsonAsync("/v1/banks/shared/entries", new { entries = new[] { new { signal_type = "pdq", value = pdq } } })).StatusCode);
            Assert.Equal(1, (await Json(await matcherOnA.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq, review = false }))).GetProperty("matches").GetArrayLength());
            long onA = sw.ElapsedMilliseconds;
            int found;
            do
            {
                found = (await Json(await matcherB.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq, review = false }))).GetProperty("matches").GetArrayLength();
                if (found == 0) await Task.Delay(50);
            }
            while (found == 0 && sw.Elapsed < TimeSpan.FromSeconds(10));
            Assert.True(found == 1, $"not matchable on node B after {sw.ElapsedMilliseconds} ms");
            Assert.True(onA < 1000, $"node A took {onA} ms");
        }
        // A removal on B reaches A as well.
        var index = a.State.Matcher.Status.Entries;
        var entries = await Json(await curatorA.GetAsync("/v1/banks/shared/entries"));
        var first = entries.GetProperty("entries")[0].GetProperty("value").GetString();
        var curatorB = NewClient(b.BaseUrl, (await a.KeyAsync("curator-b", null, "curator")).Secret);
        Assert.Equal(1, (await Json(await curatorB.PostAsJsonAsync("/v1/banks/shared/entries/remove", new { entries = new[] { new { signal_type = "pdq", value = first } } }))).GetProperty("removed").GetInt32());
        var sw2 = Stopwatch.StartNew();
        while (a.State.Matcher.Status.Entries != index - 1 && sw2.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.Equal(index - 1, a.State.Matcher.Status.Entries);

        // Both nodes append to one audit chain concurrently; it stays intact.
        var creates = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? curatorA : curatorB).PostAsJsonAsync("/v1/banks", new { name = $"n{i}" }));
        Assert.All(await Task.WhenAll(creates), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var v = await b.State.Audit.VerifyAsync();
        Assert.True(v.Ok, v.Message);
        curatorB.Dispose();
    }
}
