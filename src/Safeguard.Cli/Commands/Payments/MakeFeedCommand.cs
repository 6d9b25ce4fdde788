using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Synthetic;

namespace Safeguard.Cli.Commands.Payments;

/// <summary><c>safeguard payments make-feed</c>: a synthetic transaction feed with planted offences and hard negatives, and its ground truth.</summary>
public static class MakeFeedCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Feed file to write, or - for standard output", Required = true };
        var truth = new Option<FileInfo?>("--truth") { Description = "Write the ground truth (accounts of interest, groups, roles) as JSON here" };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed and options, same bytes)", DefaultValueFactory = _ => 1 };
        var transactions = new Option<long?>("--transactions") { Description = "About this many transactions: scales the ordinary customers (e.g. 10000000 for the benchmark)" };
        var days = new Option<int?>("--days") { Description = "Days of activity (default 365)" };
        var preset = new Option<string>("--preset") { Description = "tuned (what the detector is developed on) or unseen (other amounts, rates, countries, group sizes)", DefaultValueFactory = _ => "tuned" };
        var format = new Option<string>("--format") { Description = "csv or jsonl", DefaultValueFactory = _ => "csv" };
        var currencies = new Option<bool>("--currencies") { Description = "Also emit EUR, GBP and AUD for some accounts (write the rates with --rates)" };
        var rates = new Option<FileInfo?>("--rates") { Description = "Write the rates table (currency,rate_to_base) here" };
        var command = new Command("make-feed", "Write a synthetic payments feed with planted purchasers, facilitators and legitimate look-alikes, plus its ground truth")
        {
            output, truth, seed, transactions, days, preset, format, currencies, rates,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            int s = parse.GetValue(seed);
            var settings = parse.GetValue(preset)?.ToLowerInvariant() switch
            {
                "tuned" or null => FeedSettings.Tuned(s),
                "unseen" => FeedSettings.Unseen(s),
                var other => throw new UsageException($"--preset must be tuned or unseen, not \"{other}\""),
            };
            var fmt = parse.GetValue(format)?.ToLowerInvariant() switch
            {
                "csv" or null => FeedFormat.Csv,
                "jsonl" or "json" => FeedFormat.JsonLines,
                var other => throw new UsageException($"--format must be csv or jsonl, not \"{other}\""),
            };
            if (parse.GetValue(transactions) is { } n)
            {
                if (n is < 1 or > 2_000_000_000) throw new UsageException($"--transactions must be 1..2000000000, got {n}");
                settings = settings with { TargetTransactions = n };
            }
            if (parse.GetValue(days) is { } d)
            {
                if (d is < 28 or > 3660) throw new UsageException($"--days must be 28..3660, got {d}");
                settings = settings with { Days = d };
            }
            settings = settings with { MultipleCurrencies = parse.GetValue(currencies) };
            var outPath = parse.GetValue(output)!;
            var truthFile = parse.GetValue(truth);
            var ratesFile = parse.GetValue(rates);
            FeedGenerator generator;
            try { generator = new FeedGenerator(settings); }
            catch (ArgumentException ex) { throw new UsageException(ex.Message); }
            var clock = Stopwatch.StartNew();
            string current = outPath;
            try
            {
                FeedSummary summary;
                if (outPath == "-")
                {
                    using var stdout = Console.OpenStandardOutput();
                    summary = generator.Write(stdout, fmt);
                }
                else
                {
                    using var file = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
                    summary = generator.Write(file, fmt);
                }
                if (truthFile is not null)
                {
                    current = truthFile.FullName;
                    using var t = new FileStream(current, FileMode.Create, FileAccess.Write);
                    generator.WriteTruth(t, summary.Transactions);
                }
                if (ratesFile is not null)
                {
                    current = ratesFile.FullName;
                    using var r = new StreamWriter(current, false);
                    FeedCurrencies.WriteRates(r);
                }
                double seconds = clock.Elapsed.TotalSeconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"make-feed: {summary.Transactions} transactions, {summary.Accounts} accounts, {generator.Truth.Count} of interest, {settings.Days} days from {summary.First:yyyy-MM-dd}, preset {settings.Preset}, seed {s}, {seconds:F1} s ({summary.Transactions / Math.Max(seconds, 1e-9):F0}/s)"));
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"safeguard: cannot write {current}: {ex.Message}");
                return ExitCodes.SomeFailed;
            }
        }));
        return command;
    }
}
