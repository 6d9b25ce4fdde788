using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>
/// The federation scenario with real processes: two `safeguard serve` on two SQLite databases on
/// loopback, the subscriber following the publisher's signed feed through a `safeguard` exchange.
/// </summary>
public sealed class FederationProcessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"sg-federation-{Guid.NewGuid():N}");
    private readonly List<Process> _processes = [];

    public FederationProcessTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        foreach (var p in _processes) Stop(p);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static void Stop(Process p)
    {
        try { if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(10_000); } } catch (InvalidOperationException) { }
    }

    private static string Pdq(int i) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));

    private static string Cli(params string[] args)
    {
        var r = SafeguardProcess.Run(args);
        Assert.True(r.Exit == 0, $"safeguard {string.Join(' ', args.Select(a => a.StartsWith("api_key=", StringComparison.Ordinal) ? "api_key=***" : a))}: {r.Err}");
        return r.Out;
    }

    private async Task<Process> ServeAsync(string db, string url, params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "safeguard.dll"), "--db", db, "serve", "--urls", url, "--no-demo" }.Concat(extra)) psi.ArgumentList.Add(a);
        psi.Environment.Remove("SAFEGUARD_DB");
        psi.Environment["XDG_DATA_HOME"] = Path.Combine(_dir, "data"); // the audit key goes here, not into the user's folder
        var p = Process.Start(psi)!;
        // The last lines of stderr name why a serve that exits early failed (a port taken meanwhile, a lock).
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { stderr.Enqueue(line); while (stderr.Count > 20) stderr.TryDequeue(out string? _); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _processes.Add(p);
        using var probe = new HttpClient();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (p.HasExited)
            {
                p.WaitForExit(); // lets the stderr reader finish
                throw new InvalidOperationException($"serve on {db} at {url} exited with {p.ExitCode}: {string.Join(" | ", stderr)}");
            }
            try { if ((await probe.GetAsync($"{url}/v1/health/live")).StatusCode == HttpStatusCode.OK) return p; }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"serve on {db} did not start");
    }

    private static HttpClient Client(string url, string key)
    {
        var c = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return c;
    }

    private static string NewKey(string db, string name, string roles) => Cli("--db", db, "keys", "create", name, "--roles", roles).Trim();

    private static async Task<bool> MatchesAsync(HttpClient matcher, string pdq)
    {
        var r = await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq, review = false });
        var doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.True(r.IsSuccessStatusCode, doc.ToString());
        return doc.GetProperty("matches").GetArrayLength() > 0;
    }

    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what, HttpClient? subscriber = null)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > limit)
                Assert.Fail($"{what}: not within {limit.TotalSeconds} s" + (subscriber is null ? "" : $"; the subscriber's exchange: {await StatusAsync(subscriber)}"));
            await Task.Delay(100);
        }
        return sw.Elapsed;
    }

    /// <summary>Every entry of a bank, as (signal type, value, disabled), through the API's keyset pages.</summary>
    private static async Task<List<(string, string, bool)>> EntriesAsync(HttpClient client, string bank)
    {
        var all = new List<(string, string, bool)>();
        long after = 0;
        while (true)
        {
            var doc = JsonDocument.Parse(await client.GetStringAsync($"/v1/banks/{bank}/entries?after={after}&limit=5000")).RootElement;
            foreach (var e in doc.GetProperty("entries").EnumerateArray())
                all.Add((e.GetProperty("signal_type").GetString()!, e.GetProperty("value").GetString()!, e.TryGetProperty("disabled", out var d) && d.GetBoolean())); // false is left out
            if (!doc.TryGetProperty("next_after", out var next) || next.ValueKind == JsonValueKind.Null) return all;
            after = doc.GetProperty("next_after").GetInt64();
        }
    }

    private static async Task<long> EnabledAsync(HttpClient client, string bank)
    {
        var r = await client.GetAsync($"/v1/banks/{bank}");
        return r.IsSuccessStatusCode ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("enabled").GetInt64() : 0;
    }

    /// <summary>Entries the subscriber has fetched: added to its bank, or gathered and waiting for the end of the initial load.</summary>
    private static async Task<long> FetchedAsync(HttpClient client)
    {
        var status = await StatusAsync(client);
        return status.GetProperty("added").GetInt64() + status.GetProperty("pending").GetInt64();
    }

    private static async Task<JsonElement> StatusAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/v1/exchanges/fed")).RootElement.GetProperty("status");

    private static string? Error(JsonElement status) => status.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    [Fact]
    public async Task Two_serve_processes_federate_a_bank_through_kills_withdrawals_and_a_tampered_page()
    {
        const int Initial = 20_000;
        string pubDb = Path.Combine(_dir, "publisher.db"), subDb = Path.Combine(_dir, "subscriber.db");
        string pubUrl = $"http://127.0.0.1:{FreePort.Next()}", subUrl = $"http://127.0.0.1:{FreePort.Next()}";

        // Publisher: a bank, a subscriber key with a grant, the feed key to pin.
        var publisher = await ServeAsync(pubDb, pubUrl);
        using var curator = Client(pubUrl, NewKey(pubDb, "curator", "curator,matcher"));
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = "shared" })).StatusCode);
        var list = string.Join("\n", Enumerable.Range(0, Initial).Select(Pdq));
        var import = await curator.PostAsync("/v1/banks/shared/import?format=plain&type=pdq", new StringContent(list, Encoding.UTF8, "text/plain"));
        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        string subKey = NewKey(pubDb, "sub", "subscriber");
        Cli("--db", pubDb, "feeds", "grant", "sub", "--bank", "shared", "--fields", "categories,tags");
        var publicKey = Cli("--db", pubDb, "feeds", "key").Split('\n').Single(l => l.StartsWith("public_key: ", StringComparison.Ordinal))["public_key: ".Length..].Trim();

        // Subscriber: the exchange (followed every second), loopback allowed for its fetches.
        Cli("--db", subDb, "exchange", "add", "fed", "--type", "safeguard", "--bank", "fedbank", "--interval", "1s",
            "--set", $"url={pubUrl}", "--set", "bank=shared", "--set", $"api_key={subKey}", "--set", $"public_key={publicKey}", "--set", "page_size=500",
            "--set", "min_page_interval_ms=100", "--set", "bulk_after=3000");
        string matcherKey = NewKey(subDb, "matcher", "matcher,curator");
        string[] subArgs = ["--fetch-allow", "127.0.0.1/32", "--exchange-poll", "1"];
        var subscriber = await ServeAsync(subDb, subUrl, subArgs);
        using var matcher = Client(subUrl, matcherKey);

        // Kill -9 either process at several moments of the initial fetch (past its first 3,000 entries the
        // rest is gathered and added at the end: the kills land in both parts), restart it, and carry on.
        var kills = new List<string>();
        foreach (var (victim, atFraction) in new[] { ("subscriber", 0.1), ("publisher", 0.4), ("subscriber", 0.7) })
        {
            await UntilAsync(async () => await FetchedAsync(matcher) >= Initial * atFraction, TimeSpan.FromSeconds(120), $"fetch reaches {atFraction:P0}");
            long at = await FetchedAsync(matcher);
            if (victim == "subscriber")
            {
                subscriber.Kill(); subscriber.WaitForExit(10_000);
                subscriber = await ServeAsync(subDb, subUrl, subArgs);
            }
            else
            {
                publisher.Kill(); publisher.WaitForExit(10_000);
                await Task.Delay(1500); // the subscriber meets a refused connection meanwhile
                publisher = await ServeAsync(pubDb, pubUrl);
            }
            kills.Add($"{victim} at {at}");
        }
        await UntilAsync(async () => await EnabledAsync(matcher, "fedbank") >= Initial, TimeSpan.FromSeconds(180), "the initial fetch completes");
        var pubEntries = await EntriesAsync(curator, "shared");
        var subEntries = await EntriesAsync(matcher, "fedbank");
        Assert.Equal(Initial, pubEntries.Count);
        Assert.Equal(pubEntries.Order(), subEntries.Order()); // nothing lost, nothing twice, after: {kills}
        Assert.Equal(subEntries.Count, subEntries.Distinct().Count());

        // An entry added on the publisher matches on the subscriber within 10 s; withdrawn, it stops matching within 10 s.
        string fresh = Pdq(Initial + 1);
        Assert.False(await MatchesAsync(matcher, fresh));
        Assert.True((await curator.PostAsJsonAsync("/v1/banks/shared/entries", new { entries = new[] { new { signal_type = "pdq", value = fresh } } })).IsSuccessStatusCode);
        var arrived = await UntilAsync(() => MatchesAsync(matcher, fresh), TimeSpan.FromSeconds(10), "a new entry matches on the subscriber", matcher);
        Assert.True((await curator.PostAsJsonAsync("/v1/banks/shared/entries/disable", new { entries = new[] { new { signal_type = "pdq", value = fresh } }, reason = "withdrawn" })).IsSuccessStatusCode);
        var withdrawn = await UntilAsync(async () => !await MatchesAsync(matcher, fresh), TimeSpan.FromSeconds(10), "a disabled entry stops matching", matcher);
        string removed = Pdq(5);
        Assert.True(await MatchesAsync(matcher, removed));
        Assert.True((await curator.PostAsJsonAsync("/v1/banks/shared/entries/remove", new { entries = new[] { new { signal_type = "pdq", value = removed } } })).IsSuccessStatusCode);
        var removedAfter = await UntilAsync(async () => !await MatchesAsync(matcher, removed), TimeSpan.FromSeconds(10), "a removed entry stops matching", matcher);
        Console.WriteLine($"federation: kills {string.Join(", ", kills)}; added→matching {arrived.TotalSeconds:F1} s, disabled→not {withdrawn.TotalSeconds:F1} s, removed→not {removedAfter.TotalSeconds:F1} s");

        // A proxy that flips one byte of the next response body: refused, shown on the status, the checkpoint stays.
        await using var proxy = new FlippingProxy(new Uri(pubUrl).Port);
        Cli("--db", subDb, "exchange", "update", "fed", "--set", $"url=http://127.0.0.1:{proxy.Port}");
        await Task.Delay(2500);
        var before = await StatusAsync(matcher);
        Assert.True(Error(before) is null, before.ToString());
        string checkpointBefore = Cli("--db", subDb, "exchange", "show", "fed").Split('\n').Single(l => l.StartsWith("checkpoint:", StringComparison.Ordinal));
        proxy.Arm();
        string tampered = Pdq(Initial + 2);
        Assert.True((await curator.PostAsJsonAsync("/v1/banks/shared/entries", new { entries = new[] { new { signal_type = "pdq", value = tampered } } })).IsSuccessStatusCode);
        await UntilAsync(async () => Error(await StatusAsync(matcher)) is { } e && e.Contains("signature does not verify", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "the tampered page is refused on the exchange's status");
        Assert.True(proxy.Flipped > 0);
        Assert.False(await MatchesAsync(matcher, tampered));
        Assert.Equal(checkpointBefore, Cli("--db", subDb, "exchange", "show", "fed").Split('\n').Single(l => l.StartsWith("checkpoint:", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A TCP proxy to the publisher that, once armed, flips one bit inside the body of every response
    /// it relays: flipping only the next one let an untouched later page advance the checkpoint.
    /// </summary>
    private sealed class FlippingProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly int _target;
        private readonly CancellationTokenSource _stop = new();
        private volatile bool _armed;
        private int _flipped;

        public FlippingProxy(int target)
        {
            _target = target;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Flipped => _flipped;
        public void Arm() => _armed = true;

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = RelayAsync(client);
                }
            }
            catch (OperationCanceledException) { }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
        }

        private async Task RelayAsync(TcpClient client)
        {
            using var c = client;
            using var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                var up = Pump(c.GetStream(), upstream.GetStream(), tamper: false);
                var down = Pump(upstream.GetStream(), c.GetStream(), tamper: true);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException) { }
        }

        private async Task Pump(NetworkStream from, NetworkStream to, bool tamper)
        {
            var buffer = new byte[65536];
            int n;
            try
            {
                while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    if (tamper && _armed)
                    {
                        // Past the header block of a response: a byte of its JSON body.
                        int end = buffer.AsSpan(0, n).IndexOf("\r\n\r\n"u8);
                        if (end >= 0 && end + 4 + 12 < n)
                        {
                            buffer[end + 4 + 12] ^= 0x01;
                            Interlocked.Increment(ref _flipped);
                        }
                    }
                    await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
