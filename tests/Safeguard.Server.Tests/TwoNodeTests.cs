using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>
/// Two servers on one PostgreSQL database: node A in this process, node B a separate
/// `safeguard serve` process. Writes on one are matchable on the other without a rebuild.
/// </summary>
public sealed class TwoNodeTests
{
    private static async Task<(Process Process, string Url)> StartNodeAsync(string db)
    {
        int port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "safeguard"), ["--db", db, "serve", "--urls", url, "--no-demo"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment.Remove("SAFEGUARD_DB");
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var probe = NewClient(url, null);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (p.HasExited) throw new InvalidOperationException($"node B exited with {p.ExitCode}");
            try { if ((await probe.GetAsync("/status")).StatusCode == HttpStatusCode.OK) return (p, url); }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        p.Kill(true);
        throw new TimeoutException("node B did not start");
    }

    [SkippableFact]
    public async Task An_entry_added_on_one_node_matches_on_the_other_within_10_seconds()
    {
        var db = await TestDb.PostgresAsync();
        await using var a = await ServerHarness.StartAsync(db);
        var (nodeB, urlB) = await StartNodeAsync(db);
        try
        {
            var curatorA = await a.ClientAsync("curator");
            var (matcherOnA, matcherSecret) = await a.KeyAsync("matcher", null, "matcher");
            using var matcherB = NewClient(urlB, matcherSecret); // keys live in the shared database

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
            var index = a.State.Index.Status.Entries;
            var entries = await Json(await curatorA.GetAsync("/v1/banks/shared/entries"));
            var first = entries.GetProperty("entries")[0].GetProperty("value").GetString();
            var curatorB = NewClient(urlB, (await a.KeyAsync("curator-b", null, "curator")).Secret);
            Assert.Equal(1, (await Json(await curatorB.PostAsJsonAsync("/v1/banks/shared/entries/remove", new { entries = new[] { new { signal_type = "pdq", value = first } } }))).GetProperty("removed").GetInt32());
            var sw2 = Stopwatch.StartNew();
            while (a.State.Index.Status.Entries != index - 1 && sw2.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
            Assert.Equal(index - 1, a.State.Index.Status.Entries);

            // Both nodes append to one audit chain concurrently; it stays intact.
            var creates = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? curatorA : curatorB).PostAsJsonAsync("/v1/banks", new { name = $"n{i}" }));
            Assert.All(await Task.WhenAll(creates), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
            var v = await a.State.Audit.VerifyAsync();
            Assert.True(v.Ok, v.Message);
            curatorB.Dispose();
        }
        finally
        {
            nodeB.Kill(true);
            await nodeB.WaitForExitAsync();
        }
    }
}
