using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Server.Exchanges;
using static Safeguard.Server.Tests.ServerHarness;
using static Safeguard.Server.Tests.Exchanges.ExchangeTestSupport;

namespace Safeguard.Server.Tests.Exchanges;

/// <summary>
/// Two servers sharing one database: only the holder of the fetch lock fetches on schedule
/// (counted by fetch starts in each), and when it stops the other takes over.
/// </summary>
public sealed class ExchangeSchedulerTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private static long Started(ServerHarness h) => h.App.Services.GetRequiredService<ExchangeRunner>().FetchesStarted;
    private static bool Leading(ServerHarness h) => h.App.Services.GetRequiredService<ExchangeScheduler>().Leading;

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < timeout, $"timed out after {timeout.TotalSeconds} s waiting for {what}");
            await Task.Delay(100);
        }
    }

    private static async Task OnlyOneFetchesAsync(string db)
    {
        Func<ServerOptions, ServerOptions> options = o => o with { ExchangePoll = Poll, Demo = false };
        var a = await ServerHarness.StartAsync(db, options);
        var b = await ServerHarness.StartAsync(db, options);
        try
        {
            var (list, hashes) = WriteList(2);
            var add = await a.Admin.PostAsJsonAsync("/v1/exchanges", new
            {
                name = "feed", type = "file", settings = new Dictionary<string, string> { ["path"] = list, ["signal_type"] = "md5" }, interval = "10s",
            });
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);

            // A new exchange is due at once: one of the two fetches it within a few polls.
            await WaitForAsync(() => Started(a) + Started(b) > 0, TimeSpan.FromSeconds(20), "a scheduled fetch");
            await Task.Delay(Poll * 6);
            Assert.True(Started(a) == 0 || Started(b) == 0, $"both servers fetched: {Started(a)} and {Started(b)}");
            Assert.NotEqual(Leading(a), Leading(b));
            var (leader, follower) = Leading(a) ? (a, b) : (b, a);
            Assert.Equal(1, Started(leader));
            Assert.Equal(0, Started(follower));
            using var matcher = NewClient(follower.BaseUrl, (await leader.KeyAsync("m", null, "matcher")).Secret);
            await WaitForAsync(() => follower.State.Index.Status.Entries >= 2, TimeSpan.FromSeconds(20), "the follower's index to hold the fetched entries");
            Assert.Single((await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = hashes[1], review = false }))).GetProperty("matches").EnumerateArray());

            // The leader stops: its lock goes with it, and the other server fetches from then on.
            await leader.DisposeAsync();
            if (leader == a) a = null!; else b = null!;
            await WaitForAsync(() => Leading(follower), TimeSpan.FromSeconds(20), "the other server to take the fetch lock");
            await WaitForAsync(() => Started(follower) > 0, TimeSpan.FromSeconds(30), "the other server's first scheduled fetch (10 s interval)");
        }
        finally
        {
            if (a is not null) await a.DisposeAsync();
            if (b is not null) await b.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task On_one_PostgreSQL_database_only_the_advisory_lock_holder_fetches() =>
        await OnlyOneFetchesAsync(await TestDb.PostgresAsync());

    [Fact]
    public async Task On_one_SQLite_file_only_the_lock_file_holder_fetches() =>
        await OnlyOneFetchesAsync(TestDb.Sqlite());

    [Fact]
    public async Task With_fetching_off_nothing_is_fetched_on_schedule()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { ExchangePoll = Poll, ExchangeFetch = false });
        var (list, _) = WriteList(1);
        Assert.Equal(HttpStatusCode.Created, (await h.Admin.PostAsJsonAsync("/v1/exchanges", new
        {
            name = "feed", type = "file", settings = new Dictionary<string, string> { ["path"] = list }, interval = "10s",
        })).StatusCode);
        await Task.Delay(Poll * 6);
        Assert.Equal(0, Started(h));
        Assert.False(Leading(h));
    }

    [SkippableFact]
    public async Task A_leader_whose_connection_dies_loses_the_lock_and_one_server_holds_it_again()
    {
        var db = await TestDb.PostgresAsync();
        Func<ServerOptions, ServerOptions> options = o => o with { ExchangePoll = Poll, Demo = false };
        await using var a = await ServerHarness.StartAsync(db, options);
        await using var b = await ServerHarness.StartAsync(db, options);
        await WaitForAsync(() => Leading(a) || Leading(b), TimeSpan.FromSeconds(20), "a leader");
        // Cut the leader's lock connection from the server side, as a network failure would.
        const string ThisSchemasLock = "FROM pg_locks WHERE locktype = 'advisory' AND classid = 1397179736 AND objid = hashtext(current_schema())::oid AND granted";
        var terminated = await a.State.Db.ScalarAsync($"SELECT COUNT(pg_terminate_backend(pid)) {ThisSchemasLock}");
        Assert.True(terminated >= 1);
        await WaitForAsync(() => Leading(a) ^ Leading(b), TimeSpan.FromSeconds(20), "exactly one leader again");
        Assert.Equal(1, await a.State.Db.ScalarAsync($"SELECT COUNT(*) {ThisSchemasLock}"));
    }
}
