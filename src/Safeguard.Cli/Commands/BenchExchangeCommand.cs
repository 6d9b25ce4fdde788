using System.CommandLine;
using Safeguard.Cli.Bench;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard bench exchange</c>: a subscriber's initial fetch of a large Safeguard feed, timed.</summary>
public static class BenchExchangeCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "PDQ entries in the publisher's bank", DefaultValueFactory = _ => 10_000_000 };
        var pageSize = new Option<int>("--page-size") { Description = "Entries per feed page (1..10000)", DefaultValueFactory = _ => 10_000 };
        var dir = new Option<string>("--dir") { Description = "Folder for the two databases (emptied first)", DefaultValueFactory = _ => Path.Combine("bench", "out", "exchange") };
        var bulkAfter = new Option<int?>("--bulk-after") { Description = "The exchange's bulk_after setting: entries applied page by page before the rest is gathered and merged (default: the exchange default, 100000)" };
        var seed = new Option<int>("--seed") { Description = "Random seed of the entries", DefaultValueFactory = _ => 1 };
        var command = new Command("exchange", "Build a publisher bank of N PDQ entries, serve its signed feed on loopback, and time a subscriber's initial fetch into its own SQLite database")
        {
            count, pageSize, bulkAfter, dir, seed,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            int n = parse.GetValue(count), page = parse.GetValue(pageSize);
            if (n is < 1 or > 100_000_000) throw new UsageException($"--count must be 1..100000000, got {n}");
            if (page is < 1 or > 10_000) throw new UsageException($"--page-size must be 1..10000, got {page}");
            if (parse.GetValue(bulkAfter) is < 0) throw new UsageException("--bulk-after must be 0 or more");
            return ExchangeBenchmark.RunAsync(n, page, Path.GetFullPath(parse.GetValue(dir)!), parse.GetValue(seed), Console.Out, parse.GetValue(bulkAfter)).GetAwaiter().GetResult();
        }));
        return command;
    }
}
