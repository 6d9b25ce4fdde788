using System.CommandLine;
using Safeguard.Cli.Bench;
using Safeguard.Cli.Output;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard bench make-bank</c>: synthetic PDQ bank and query files for <c>bench match</c>.</summary>
public static class BenchMakeBankCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Number of bank hashes", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Bank file to write (one hex hash per line)", Required = true };
        var clusterShare = new Option<double>("--cluster-share") { Description = "Share of the bank in near-duplicate clusters (0..1)", DefaultValueFactory = _ => MakeBank.DefaultClusterShare };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same files)", DefaultValueFactory = _ => 1 };
        var queries = new Option<int>("--queries") { Description = "Number of queries to write", DefaultValueFactory = _ => MakeBank.DefaultQueryCount };
        var queryOut = new Option<FileInfo?>("--query-out") { Description = "Query file to write (default: the bank path with .queries.txt)" };
        var hitShare = new Option<double>("--hit-share") { Description = "Share of queries that are bank members with 0..24 bits flipped (0..1)", DefaultValueFactory = _ => MakeBank.DefaultHitShare };
        var db = new Option<FileInfo?>("--db") { Description = "Also load the bank into a new SQLite database (bank 'bench'), for serve and bench match --db" };
        var command = new Command("make-bank", "Write a synthetic PDQ bank (random hashes plus near-duplicate clusters) and queries (near-hits and misses)")
        {
            count, output, clusterShare, seed, queries, queryOut, hitShare, db,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            int n = parse.GetValue(count), q = parse.GetValue(queries);
            double share = parse.GetValue(clusterShare), hits = parse.GetValue(hitShare);
            if (n is < 1 or > 100_000_000) throw new UsageException($"--count must be 1..100000000, got {n}");
            if (q is < 0 or > 10_000_000) throw new UsageException($"--queries must be 0..10000000, got {q}");
            if (share is < 0 or > 1) throw new UsageException($"--cluster-share must be 0..1, got {share}");
            if (hits is < 0 or > 1) throw new UsageException($"--hit-share must be 0..1, got {hits}");
            var bankPath = parse.GetValue(output)!.FullName;
            var queryPath = parse.GetValue(queryOut)?.FullName ?? Path.ChangeExtension(bankPath, ".queries.txt");
            if (queryPath == bankPath) throw new UsageException("--query-out must differ from --out");
            try
            {
                // A fresh checkout has no bench/out: the folders of the outputs are made as needed.
                foreach (var path in new[] { bankPath, queryPath }) Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                var dbPath = parse.GetValue(db)?.FullName;
                if (dbPath is not null && File.Exists(dbPath)) throw new UsageException($"--db {dbPath} exists; give a new file");
                return ProgressReporter.Run(parse, "bench make-bank", "steps", MakeBank.Steps.Length, progress =>
                {
                    var bank = MakeBank.Run(n, bankPath, share, parse.GetValue(seed), q, queryPath, hits, Console.Out, step =>
                    {
                        progress.SetDone(step);
                        progress.Current = MakeBank.Steps[step];
                    });
                    progress.SetDone(MakeBank.Steps.Length);
                    if (dbPath is not null)
                    {
                        progress.Current = "loading the database";
                        MakeBank.LoadDatabaseAsync(dbPath, bank, Console.Out).GetAwaiter().GetResult();
                    }
                    return ExitCodes.Ok;
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"safeguard: cannot write {bankPath} / {queryPath}: {ex.Message}");
                return ExitCodes.SomeFailed;
            }
        }));
        return command;
    }
}
