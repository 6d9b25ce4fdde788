using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Exchanges;
using Safeguard.Exchanges.Federation;
using Safeguard.Server;
using Safeguard.Server.Auth;
using Safeguard.Server.Exchanges;
using Safeguard.Server.Feeds;
using Safeguard.Server.Hosting;
using Safeguard.Server.Media;
using Safeguard.Signals;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Cli.Bench;

/// <summary>
/// `bench exchange`: a publisher database of N random PDQ entries (bulk import), its feed served on
/// loopback in this process, and a subscriber's initial fetch of it into its own SQLite database,
/// timed page by page as the scheduler would run it.
/// </summary>
public static class ExchangeBenchmark
{
    public static async Task<int> RunAsync(int count, int pageSize, string folder, int seed, TextWriter output)
    {
        Directory.CreateDirectory(folder);
        string pubDb = Path.Combine(folder, "publisher.db"), subDb = Path.Combine(folder, "subscriber.db");
        foreach (var f in Directory.GetFiles(folder)) File.Delete(f);
        output.WriteLine($"machine: {BenchMachine.CpuModel()}, {Environment.ProcessorCount} cores, load {BenchMachine.LoadAverage():F2}");

        var sw = Stopwatch.StartNew();
        await using (var banks = await BankStores.OpenAsync(pubDb))
        {
            await banks.CreateBankAsync("bench");
            // Entries in random key order (as a publisher's ids are), loaded the fast way: the publisher's own import time is not measured here.
            await SqliteBenchLoader.LoadAsync((SqliteBankStore)banks, "bench", Generate(count, seed));
        }
        output.WriteLine($"publisher: {count:N0} PDQ entries loaded in {sw.Elapsed.TotalSeconds:F1} s");
        // What the load held (SQLite's caches and sort) goes back before the fetch is measured.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        GC.Collect();
        NativeHeap.Trim();
        long before = Process.GetCurrentProcess().WorkingSet64;

        int port = FreeLoopbackPort();
        var options = new ServerOptions
        {
            Db = pubDb, Urls = $"http://127.0.0.1:{port}", Demo = false, AuditKey = Path.Combine(folder, "audit-signing.key"),
            DefaultKeyRatePerSecond = 100_000,
        };
        var app = await SafeguardServer.BuildAsync(options, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            var (_, secret) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bench-sub", [Roles.Subscriber], null, "bench");
            await app.Services.GetRequiredService<FeedGrants>().GrantAsync("bench-sub", "bench", FeedFields.None, null, "bench");
            var feedKey = app.Services.GetRequiredService<FeedSigningKey>();

            await using var subBanks = await BankStores.OpenAsync(subDb);
            var store = ExchangeBackend.OpenStore(subBanks);
            await store.AddAsync(new ExchangeInfo
            {
                Name = "bench", Type = "safeguard", Bank = "bench", Enabled = false,
                Settings = new ExchangeSettings(new Dictionary<string, string>
                {
                    ["url"] = options.Urls, ["bank"] = "bench", ["api_key"] = secret, ["public_key"] = feedKey.PublicBase64,
                    ["page_size"] = pageSize.ToString(CultureInfo.InvariantCulture),
                }),
            });
            var context = ExchangeBackend.Context(["127.0.0.1/32"], []);
            var fetcher = new ExchangeFetcher(store, context);
            using var sampler = new PeakSampler();
            sw.Restart();
            // The time the last page landed, apart from the one pass that adds the gathered entries to the bank.
            TimeSpan pagesDone = default;
            var result = await fetcher.FetchAsync("bench", new SyncProgress(r => { if (r.Pages == (count + pageSize - 1) / pageSize && pagesDone == default) pagesDone = sw.Elapsed; }));
            var elapsed = sw.Elapsed;
            if (!result.Succeeded) { output.WriteLine($"fetch failed: {result.Error}"); return 1; }
            var stats = await subBanks.GetStatsAsync("bench");
            output.WriteLine($"subscriber: initial fetch of {stats.Enabled:N0} entries in {result.Pages:N0} pages of {pageSize:N0}: {elapsed.TotalSeconds:F1} s, " +
                             $"{stats.Enabled / elapsed.TotalSeconds:N0} entries/s (pages fetched and gathered in {pagesDone.TotalSeconds:F1} s, added to the bank in {(elapsed - pagesDone).TotalSeconds:F1} s)");
            output.WriteLine($"peak working set during the fetch (publisher and subscriber, one process): {sampler.PeakBytes / (1 << 20):N0} MiB " +
                             $"(before it: {before / (1 << 20):N0} MiB); process peak since start {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MiB");
            return stats.Enabled == count ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static IEnumerable<EntryRecord> Generate(int count, int seed)
    {
        var rng = new Random(seed);
        var bytes = new byte[32];
        for (int i = 0; i < count; i++)
        {
            rng.NextBytes(bytes);
            yield return new EntryRecord(SignalTypes.Pdq, Convert.ToHexStringLower(bytes));
        }
    }

    private static int FreeLoopbackPort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Reports on the fetching thread (Progress&lt;T&gt; would post to the thread pool, late).</summary>
    private sealed class SyncProgress(Action<FetchResult> report) : IProgress<FetchResult>
    {
        public void Report(FetchResult value) => report(value);
    }

    /// <summary>The largest working set seen while it runs, sampled every 100 ms (the fetch's own peak, not the import's).</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public PeakSampler() => _timer = new Timer(_ => Sample(), null, 0, 100);

        public long PeakBytes { get { Sample(); return Interlocked.Read(ref _peak); } }

        private void Sample()
        {
            using var p = Process.GetCurrentProcess();
            long ws = p.WorkingSet64, seen;
            while (ws > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, ws, seen) != seen) { }
        }

        public void Dispose() => _timer.Dispose();
    }
}
