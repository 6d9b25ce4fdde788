using System.CommandLine;
using Safeguard.Cli.Bench;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard bench tmk-index</c>: the TMK level-1 query time over a generated bank.</summary>
public static class BenchTmkIndexCommand
{
    public static Command Create()
    {
        var videos = new Option<int>("--videos") { Description = "Banked videos (generated pure averages)", DefaultValueFactory = _ => 100_000 };
        var queries = new Option<int>("--queries") { Description = "Timed queries", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
        var command = new Command("tmk-index", "Time of a TMK level-1 query (cosine against every banked video's pure average), checked against brute force")
        {
            videos, queries, seed,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            int v = parse.GetValue(videos), q = parse.GetValue(queries);
            if (v is < 1 or > 4_000_000) throw new UsageException($"--videos must be 1..4000000, got {v}");
            if (q is < 1 or > 100_000) throw new UsageException($"--queries must be 1..100000, got {q}");
            TmkIndexBenchmark.Run(v, q, parse.GetValue(seed), Console.Out);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
