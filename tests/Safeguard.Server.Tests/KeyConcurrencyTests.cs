using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>One key flooding slow URL fetches cannot starve the other keys.</summary>
public sealed class KeyConcurrencyTests
{
    private static readonly string[] MatcherRole = ["matcher"];

    [Fact]
    [Trait("Timing", "wall-clock")]
    public async Task Key_flooding_a_silent_url_gets_429_while_other_keys_are_served_at_once()
    {
        await using var silent = SilentSite.Start();
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with
        {
            FetchAllowList = ["127.0.0.1"], FetchTimeout = TimeSpan.FromSeconds(30),
        });
        var flooder = await h.ClientAsync("hasher");
        var other = await h.ClientAsync("matcher", "hasher");
        var jpeg = await System.IO.File.ReadAllBytesAsync(Path.Combine(TestImages.Bridge, "aaa-orig.jpg"));
        int cap = h.State.Options.DefaultKeyMaxConcurrent;

        using var stop = new CancellationTokenSource();
        var flood = Enumerable.Range(0, 400)
            .Select(i => flooder.PostAsJsonAsync("/v1/hash/url", new { url = $"{silent.Url}/{i}.jpg" }, stop.Token)).ToList();
        try
        {
            // All but the key's cap are answered at once; the rest hang on the silent site.
            await WaitUntilAsync(() => flood.Count(t => t.IsCompleted) >= flood.Count - cap, TimeSpan.FromSeconds(15));
            var answered = flood.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList();
            Assert.True(answered.Count >= flood.Count - cap, $"only {answered.Count} of {flood.Count} flood requests were answered");
            Assert.All(answered, r => Assert.True(r.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable, r.StatusCode.ToString()));
            var limited = answered.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.Contains($"{cap} requests in progress", (await Json(limited)).GetProperty("error").GetString());

            // Another key is served at once, by hashing and by lookup.
            for (int i = 0; i < 5; i++)
            {
                var started = DateTime.UtcNow;
                var r = await other.PostAsync("/v1/hash", new ByteArrayContent(jpeg));
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                var lookup = await other.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = (await Json(r)).GetProperty("md5").GetString() });
                Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), $"took {DateTime.UtcNow - started}");
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(flood.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
        // The abandoned requests gave their places back: the flooding key is served again.
        await WaitUntilAsync(async () => (await flooder.PostAsync("/v1/hash", new ByteArrayContent(jpeg))).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, (await flooder.PostAsync("/v1/hash", new ByteArrayContent(jpeg))).StatusCode);
    }

    [Fact]
    public async Task Key_cap_stored_with_the_key_and_url_fetch_slots_bound_slow_requests()
    {
        await using var silent = SilentSite.Start();
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with
        {
            FetchAllowList = ["127.0.0.1"], FetchTimeout = TimeSpan.FromSeconds(30), MaxConcurrentUrlFetches = 4,
        });
        var created = await h.Admin.PostAsJsonAsync("/v1/keys", new { name = "capped", roles = MatcherRole, max_concurrent = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdBody = await Json(created);
        Assert.Equal(3, createdBody.GetProperty("key").GetProperty("max_concurrent").GetInt32());
        using var capped = NewClient(h.BaseUrl, createdBody.GetProperty("secret").GetString());
        var listed = (await Json(await h.Admin.GetAsync("/v1/keys"))).GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("name").GetString() == "capped");
        Assert.Equal(3, listed.GetProperty("max_concurrent").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Admin.PostAsJsonAsync("/v1/keys", new { name = "bad", roles = MatcherRole, max_concurrent = 0 })).StatusCode);

        var second = await h.ClientAsync("matcher");
        var third = await h.ClientAsync("hasher");
        var jpeg = await System.IO.File.ReadAllBytesAsync(Path.Combine(TestImages.Bridge, "aaa-orig.jpg"));
        using var stop = new CancellationTokenSource();
        var all = new List<Task<HttpResponseMessage>>();
        try
        {
            // The capped key: 3 in progress (they take 3 of the 4 fetch slots), the other 5 refused with 429.
            var first = Enumerable.Range(0, 8).Select(i => capped.PostAsJsonAsync("/v1/lookup/url", new { url = $"{silent.Url}/a{i}.jpg" }, stop.Token)).ToList();
            all.AddRange(first);
            await WaitUntilAsync(() => first.Count(t => t.IsCompleted) >= 5, TimeSpan.FromSeconds(10));
            Assert.Equal(5, first.Count(t => t.IsCompletedSuccessfully && t.Result.StatusCode == HttpStatusCode.TooManyRequests));
            Assert.Equal(3, first.Count(t => !t.IsCompleted));

            // A second key, under its own cap: one fetch slot left and 8 places in the fetch queue; the other 11 get 503.
            var more = Enumerable.Range(0, 20).Select(i => second.GetAsync($"/m/lookup?url={Uri.EscapeDataString($"{silent.Url}/b{i}.jpg")}", stop.Token)).ToList();
            all.AddRange(more);
            await WaitUntilAsync(() => more.Count(t => t.IsCompleted) >= 11, TimeSpan.FromSeconds(10));
            await Task.Delay(300);
            var busy = more.Where(t => t.IsCompleted).Select(t => t.Result).ToList();
            Assert.Equal(11, busy.Count);
            foreach (var r in busy)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
                Assert.Contains("URL fetches", (await Json503(r)));
            }

            // Hashing and hash lookups do not wait for fetch slots.
            Assert.Equal(HttpStatusCode.OK, (await third.PostAsync("/v1/hash", new ByteArrayContent(jpeg))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await second.GetAsync($"/m/lookup?signal_type=md5&signal={new string('a', 32)}")).StatusCode);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(all.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private static async Task<string> Json503(HttpResponseMessage r) =>
        System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    private static Task WaitUntilAsync(Func<bool> done, TimeSpan limit) => WaitUntilAsync(() => Task.FromResult(done()), limit);

    private static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until && !await done()) await Task.Delay(50);
    }

    /// <summary>A site on 127.0.0.1 that accepts connections and never answers.</summary>
    private sealed class SilentSite : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly List<Socket> _accepted = [];
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        private SilentSite(TcpListener listener) => _listener = listener;

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public static SilentSite Start()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start(1024);
            var site = new SilentSite(listener);
            site._loop = Task.Run(site.AcceptAsync);
            return site;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var s = await _listener.AcceptSocketAsync(_stop.Token);
                    lock (_accepted) _accepted.Add(s);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _loop;
            lock (_accepted) foreach (var s in _accepted) s.Dispose();
            _stop.Dispose();
        }
    }
}
