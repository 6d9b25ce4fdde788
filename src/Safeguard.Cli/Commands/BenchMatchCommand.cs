using System.CommandLine;
using Safeguard.Cli.Bench;
using Safeguard.Matching;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard bench match</c>: PDQ index vs brute force on a bank and query file.</summary>
public static class BenchMatchCommand
{
    public static Command Create()
    {
        var bankFile = new Option<FileInfo?>("--bank-file") { Description = "Bank: one hex PDQ hash per line (or --generate)" };
        var queryFile = new Option<FileInfo?>("--query-file") { Description = "Queries: one hex PDQ hash per line (with --bank-file)" };
        var generate = new Option<int>("--generate") { Description = "Make a bank of this many hashes (and its queries) in memory, as bench make-bank --count N --seed S writes them, instead of reading files" };
        var seed = new Option<int>("--seed") { Description = "Random seed of --generate", DefaultValueFactory = _ => 1 };
        var threshold = new Option<int>("--threshold") { Description = "Match at Hamming distance <= this (0..256)", DefaultValueFactory = _ => PdqIndex.DefaultThreshold };
        var seconds = new Option<double>("--seconds") { Description = "Minimum seconds per throughput phase", DefaultValueFactory = _ => 3 };
        var bruteQueries = new Option<int>("--brute-queries") { Description = "At most this many queries for the brute-force comparison", DefaultValueFactory = _ => 200 };
        var maxQueries = new Option<int>("--max-queries") { Description = "Use only the first N queries (0 = all)", DefaultValueFactory = _ => 0 };
        var adds = new Option<int>("--adds") { Description = "Entries added (then half removed) one at a time to time in-place updates", DefaultValueFactory = _ => 100_000 };
        var snapshot = new Option<FileInfo?>("--snapshot") { Description = "Also write the built index to this file, read it back as a start would and time both (the file is deleted after)" };
        var command = new Command("match", "Benchmark PDQ radius search (build time, RAM per hash, lookups/s vs brute force) and MD5/SHA exact lookups")
        {
            bankFile, queryFile, generate, seed, threshold, seconds, bruteQueries, maxQueries, adds, snapshot,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            var bank = parse.GetValue(bankFile);
            var queries = parse.GetValue(queryFile);
            int generated = parse.GetValue(generate);
            int t = parse.GetValue(threshold);
            if (t is < 0 or > 256) throw new UsageException($"--threshold must be 0..256, got {t}");
            if (generated < 0) throw new UsageException($"--generate must be 0 or more, got {generated}");
            // The bank, its index and the comparisons take about 200 bytes per hash at their peak (21.6 GB at 100M).
            long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (generated * 200L > available)
                throw new UsageException($"--generate {generated} needs about {generated * 200L / 1e9:F1} GB; this machine has {available / 1e9:F1} GB");
            if (generated > 0 && (bank is not null || queries is not null)) throw new UsageException("--generate makes the bank and queries: give it without --bank-file and --query-file");
            if (generated == 0 && (bank is null || queries is null)) throw new UsageException("give --bank-file and --query-file, or --generate N");
            if (generated == 0 && parse.GetResult(seed) is { Implicit: false }) throw new UsageException("--seed chooses the bank --generate makes: give it with --generate");
            if (bank is { Exists: false }) throw new UsageException($"bank file not found: {bank.FullName}");
            if (queries is { Exists: false }) throw new UsageException($"query file not found: {queries.FullName}");
            double s = parse.GetValue(seconds);
            if (s is <= 0 or > 600) throw new UsageException($"--seconds must be in (0, 600], got {s}");
            int b = parse.GetValue(bruteQueries);
            if (b < 1) throw new UsageException($"--brute-queries must be at least 1, got {b}");
            int m = parse.GetValue(maxQueries), a = parse.GetValue(adds);
            if (m < 0) throw new UsageException($"--max-queries must be 0 or more, got {m}");
            if (a is < 0 or > 10_000_000) throw new UsageException($"--adds must be 0..10000000, got {a}");
            try
            {
                var options = new MatchBenchmarkOptions(bank?.FullName, queries?.FullName, t, s, b, MaxQueries: m, IncrementalAdds: a,
                    SnapshotFile: parse.GetValue(snapshot)?.FullName, GenerateCount: generated, Seed: parse.GetValue(seed));
                MatchBenchmark.Run(options, Console.Out);
                return ExitCodes.Ok;
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"safeguard: {ex.Message}");
                return ExitCodes.SomeFailed;
            }
        }));
        return command;
    }
}

/// <summary>
/// Runs a bench action, turning a <see cref="UsageException"/> into exit code 2 here, because
/// System.CommandLine's default exception handler would otherwise report it as exit code 1.
/// </summary>
internal static class BenchAction
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"safeguard: {ex.Message}");
            return ExitCodes.Usage;
        }
    }
}
