using System.CommandLine;
using Safeguard.Cli.Bench;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard bench crawl</c>: crawl a generated loopback site, pages/s and images/s against a naive fetch loop.</summary>
public static class BenchCrawlCommand
{
    public static Command Create()
    {
        var pages = new Option<int>("--pages") { Description = "Pages in the generated site", DefaultValueFactory = _ => 20_000 };
        var perPage = new Option<int>("--images-per-page") { Description = "Distinct JPEGs shown on each page", DefaultValueFactory = _ => 1 };
        var bank = new Option<int>("--bank-size") { Description = "Random PDQ entries in the bank matched against", DefaultValueFactory = _ => 100_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight", DefaultValueFactory = _ => 32 };
        var dir = new Option<string>("--dir") { Description = "Folder for the bank and the crawl output (emptied first)", DefaultValueFactory = _ => Path.Combine("bench", "out", "crawl") };
        var command = new Command("crawl", "Serve a generated site on loopback, crawl it with politeness off hashing and matching every image, and compare with a plain sequential fetch loop")
        {
            pages, perPage, bank, concurrency, dir,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            int n = parse.GetValue(pages), k = parse.GetValue(perPage), b = parse.GetValue(bank), c = parse.GetValue(concurrency);
            if (k is < 1 or > 100) throw new UsageException($"--images-per-page must be 1..100, got {k}");
            if (n is < 1 or > 1_000_000) throw new UsageException($"--pages must be 1..1000000, got {n}");
            if (b is < 1 or > 10_000_000) throw new UsageException($"--bank-size must be 1..10000000, got {b}");
            if (c is < 1 or > 1024) throw new UsageException($"--concurrency must be 1..1024, got {c}");
            return CrawlBenchmark.RunAsync(n, k, Path.GetFullPath(parse.GetValue(dir)!), b, c, Console.Out).GetAwaiter().GetResult();
        }));
        return command;
    }
}
