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
/// `bench exchange`: a publisher database of N random PDQ entries, its feed served on loopback by a
/// `safeguard serve` process of its own, and a subscriber's initial fetch of it (in this process)
/// into its own SQLite database, as the scheduler would run it: time, and each side's peak memory.
/// </summary>
public static class ExchangeBenchmark
{
    public static async Task<int> RunAsync(int count, int pageSize, string folder, int seed, TextWriter output, int? bulkAfter = null)
    {
        Directory.CreateDirectory(folder);
        string pubDb = Path.Combine(folder, "publisher.db"), subDb = Path.Combine(folder, "subscriber.db");
        // A publisher built before with the same count and seed is used again (building 10M entries takes minutes).
        string marker = Path.Combine(folder, "publisher.made"), made = $"{count} {seed}";
        bool reuse = File.Exists(pubDb) && File.Exists(marker) && File.ReadAllText(marker) == made;
        foreach (var f in Directory.GetFiles(folder))
            if (!reuse || !Path.GetFileName(f).StartsWith("publisher.", StringComparison.Ordinal)) File.Delete(f);
        output.WriteLine($"machine: {BenchMachine.CpuModel()}, {Environment.ProcessorCount} cores, load {BenchMachine.LoadAverage():F2}");

        var sw = Stopwatch.StartNew();
        if (reuse) output.WriteLine($"publisher: {count:N0} PDQ entries, made before (same count and seed)");
        else
        {
            await using (var banks = await BankStores.OpenAsync(pubDb))
            {
                await banks.CreateBankAsync("bench");
                // Entries in random key order (as a publisher's ids are), loaded the fast way: the publisher's own import time is not measured here.
                await SqliteBenchLoader.LoadAsync((SqliteBankStore)banks, "bench", Generate(count, seed));
            }
            await File.WriteAllTextAsync(marker, made);
            output.WriteLine($"publisher: {count:N0} PDQ entries loaded in {sw.Elapsed.TotalSeconds:F1} s");
        }
        // What the load held (SQLite's caches and sort) goes back before the fetch is measured.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        GC.Collect();
        NativeHeap.Trim();

        // The publisher is a `safeguard serve` of its own, as it would be: this process is the subscriber alone.
        string dataHome = Path.Combine(folder, "data");
        string keyName = $"bench-sub-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        string secret = (await RunSelfAsync(dataHome, "--db", pubDb, "keys", "create", keyName, "--roles", Roles.Subscriber)).Trim();
        await RunSelfAsync(dataHome, "--db", pubDb, "feeds", "grant", keyName, "--bank", "bench");
        string publicKey = (await RunSelfAsync(dataHome, "--db", pubDb, "feeds", "key")).Split('\n')
            .Single(l => l.StartsWith("public_key: ", StringComparison.Ordinal))["public_key: ".Length..].Trim();
        string url = $"http://127.0.0.1:{BenchMachine.FreeLoopbackPort()}";
        using var publisher = StartSelf(dataHome, "--db", pubDb, "serve", "--urls", url, "--no-demo", "--no-exchange-fetch");
        try
        {
            sw.Restart();
            await WaitUntilLiveAsync(publisher, url);
            output.WriteLine($"publisher: serving after {sw.Elapsed.TotalSeconds:F1} s");

            await using var subBanks = await BankStores.OpenAsync(subDb);
            var store = ExchangeBackend.OpenStore(subBanks);
            await store.AddAsync(new ExchangeInfo
            {
                Name = "bench", Type = "safeguard", Bank = "bench", Enabled = false,
                Settings = new ExchangeSettings(new Dictionary<string, string>
                {
                    ["url"] = url, ["bank"] = "bench", ["api_key"] = secret, ["public_key"] = publicKey,
                    ["page_size"] = pageSize.ToString(CultureInfo.InvariantCulture),
                }.Concat(bulkAfter is { } b ? [new(ExchangeFetcher.BulkAfterSetting, b.ToString(CultureInfo.InvariantCulture))] : Array.Empty<KeyValuePair<string, string>>())
                 .ToDictionary()),
            });
            var context = ExchangeBackend.Context(["127.0.0.1/32"], []);
            var fetcher = new ExchangeFetcher(store, context);
            long before = Process.GetCurrentProcess().WorkingSet64;
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
            output.WriteLine($"subscriber: peak working set during the fetch {sampler.PeakBytes / (1 << 20):N0} MiB, of which anonymous (heap, not database file pages) " +
                $"{sampler.PeakAnonymousBytes / (1 << 20):N0} MiB (before it: {before / (1 << 20):N0} MiB)");
            output.WriteLine($"publisher: peak resident set {PeakResidentMiB(publisher.Id)} MiB (its matching index included)");
            return stats.Enabled == count ? 0 : 1;
        }
        finally
        {
            if (!publisher.HasExited) { publisher.Kill(entireProcessTree: true); await publisher.WaitForExitAsync(); }
        }
    }

    /// <summary>This program again (through dotnet when it runs as a .dll), with its data folder set.</summary>
    private static ProcessStartInfo Self(string dataHome, string[] args)
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("SAFEGUARD_DB");
        psi.Environment["XDG_DATA_HOME"] = dataHome; // the publisher's audit and feed keys live in the bench folder
        return psi;
    }

    private static async Task<string> RunSelfAsync(string dataHome, params string[] args)
    {
        using var p = Process.Start(Self(dataHome, args)) ?? throw new InvalidOperationException("cannot start safeguard");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"safeguard {args[2]} {args[3]} failed: {await stderr}");
        return await stdout;
    }

    private static Process StartSelf(string dataHome, params string[] args)
    {
        var p = Process.Start(Self(dataHome, args)) ?? throw new InvalidOperationException("cannot start safeguard serve");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task WaitUntilLiveAsync(Process publisher, string url)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            if (publisher.HasExited) throw new InvalidOperationException($"the publisher's serve exited with {publisher.ExitCode}");
            try { if ((await probe.GetAsync($"{url}/v1/health/live")).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the publisher's serve did not answer within 10 minutes");
    }

    /// <summary>A process's peak resident set (VmHWM), from /proc; "?" elsewhere.</summary>
    private static string PeakResidentMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? "?" : (long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).ToString("N0", CultureInfo.InvariantCulture);
        }
        catch (IOException) { return "?"; }
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

    /// <summary>Reports on the fetching thread (Progress&lt;T&gt; would post to the thread pool, late).</summary>
    private sealed class SyncProgress(Action<FetchResult> report) : IProgress<FetchResult>
    {
        public void Report(FetchResult value) => report(value);
    }

    /// <summary>
    /// The largest working set seen while it runs, sampled every 100 ms (the fetch's own peak, not the
    /// import's), and the largest anonymous part of it (RssAnon: the heap, not database file pages mapped
    /// or cached, which the kernel reclaims under pressure).
    /// </summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak, _peakAnonymous;

        public PeakSampler() => _timer = new Timer(_ => Sample(), null, 0, 100);

        public long PeakBytes { get { Sample(); return Interlocked.Read(ref _peak); } }
        public long PeakAnonymousBytes { get { Sample(); return Interlocked.Read(ref _peakAnonymous); } }

        private void Sample()
        {
            using var p = Process.GetCurrentProcess();
            Raise(ref _peak, p.WorkingSet64);
            Raise(ref _peakAnonymous, AnonymousResidentBytes());
        }

        private static void Raise(ref long peak, long value)
        {
            long seen;
            while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen) { }
        }

        private static long AnonymousResidentBytes()
        {
            try
            {
                var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException) { return 0; }
        }

        public void Dispose() => _timer.Dispose();
    }
}
