using Safeguard.Cli.Output;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Banks;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Banks.Storage;
using Safeguard.Engine.Scanning;
using Safeguard.Storage.Sqlite;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Pipeline;
using Safeguard.Signals;

namespace Safeguard.Cli.Commands;

/// <summary>
/// <c>safeguard bench scan DIR</c>: 'scan' (walk, sniff, hash, dedupe, match, write every output)
/// against 'hash' (all signals) on the same folder in one run; prints both rates and their ratio.
/// </summary>
public static class BenchScanCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "A folder of images (e.g. from 'safeguard bench make-photos')." };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds of each, interleaved; the best is reported.", DefaultValueFactory = _ => 3 };
        var bankSize = new Option<int>("--bank-size") { Description = "Random PDQ and MD5 hashes in the bank scanned against.", DefaultValueFactory = _ => 100_000 };
        var command = new Command("scan", "Files/second of 'safeguard scan' against 'safeguard hash' on the same folder, and their ratio (target >= 0.90).")
        {
            dir, rounds, bankSize,
        };
        command.SetAction(parse => ProgressReporter.Run(parse, "bench scan", "runs", null,
            progress => Run(parse.GetValue(dir)!, Math.Max(1, parse.GetValue(rounds)), Math.Max(0, parse.GetValue(bankSize)), progress), dataOnStdout: false));
        return command;
    }

    private static int Run(string dir, int rounds, int bankSize, ProgressReporter progress)
    {
        if (!Directory.Exists(dir)) throw new UsageException($"{dir}: no such directory");
        var files = InputWalker.Expand([dir]).Where(i => i.IsFile).Select(i => i.Path).ToList();
        if (files.Count == 0) throw new UsageException($"{dir}: no files");
        var inv = CultureInfo.InvariantCulture;
        var o = Console.Out;
        o.WriteLine($"# safeguard bench scan {dir}");
        o.WriteLine($"machine: {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        o.WriteLine($"files: {files.Count}, {files.Sum(f => new FileInfo(f).Length) / 1e6:F1} MB; bank: {bankSize:N0} PDQ + {bankSize:N0} MD5 random hashes");

        var work = Directory.CreateTempSubdirectory("safeguard-bench-scan-").FullName;
        try
        {
            progress.SetTotal(1 + 2L * rounds);
            progress.Current = $"building a bank of {bankSize:N0} + {bankSize:N0} hashes";
            var index = BuildBank(Path.Combine(work, "bank.db"), bankSize).GetAwaiter().GetResult();
            var options = new FileHashOptions();
            var matcher = new Matcher(index, new MatchPolicy());
            double hashBest = double.MaxValue, scanBest = double.MaxValue;
            progress.Current = "hash warm-up";
            RunHash(files, options); // warm-up: JIT, page cache
            progress.Advance();
            for (int r = 0; r < rounds; r++)
            {
                progress.Current = $"hash, round {r + 1}";
                hashBest = Math.Min(hashBest, RunHash(files, options));
                progress.Advance();
                progress.Current = $"scan, round {r + 1}";
                var outDir = Path.Combine(work, $"out-{r}");
                Directory.CreateDirectory(outDir);
                var sw = Stopwatch.StartNew();
                new Scanner(matcher, options, ArchiveLimits.Default).Run([dir], outDir, "bench", false, "bench", null, TextWriter.Null);
                scanBest = Math.Min(scanBest, sw.Elapsed.TotalSeconds);
                progress.Advance();
            }
            progress.Current = null;
            o.WriteLine();
            o.WriteLine("| run | seconds | files/s |");
            o.WriteLine("|---|---:|---:|");
            o.WriteLine(string.Create(inv, $"| safeguard hash (pdq+md5+sha1+sha256), {Environment.ProcessorCount} threads | {hashBest:F2} | {files.Count / hashBest:F1} |"));
            o.WriteLine(string.Create(inv, $"| safeguard scan (same signals + dedupe, match, files.jsonl/csv, summary, VICS) | {scanBest:F2} | {files.Count / scanBest:F1} |"));
            o.WriteLine();
            o.WriteLine(string.Create(inv, $"scan throughput / hash throughput: {hashBest / scanBest:F2} (target >= 0.90)"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        return ExitCodes.Ok;
    }

    private static double RunHash(List<string> files, FileHashOptions options)
    {
        var sw = Stopwatch.StartNew();
        OrderedParallel.Run(files, () => new FileHasher(options), (h, f) => h.HashFile(f), _ => { });
        return sw.Elapsed.TotalSeconds;
    }

    private static async Task<BankIndex> BuildBank(string db, int size)
    {
        await using var store = await SqliteBankStore.OpenAsync(db);
        await store.CreateBankAsync("bench");
        var rng = new Random(1);
        string Hex(int n) { var b = new byte[n / 2]; rng.NextBytes(b); return Convert.ToHexStringLower(b); }
        await store.ImportAsync("bench", Enumerable.Range(0, size).SelectMany(_ => new[]
        {
            new EntryRecord(SignalTypes.Pdq, Hex(64)), new EntryRecord(SignalTypes.Md5, Hex(32)),
        }));
        return await BankIndex.LoadAsync(store);
    }
}
