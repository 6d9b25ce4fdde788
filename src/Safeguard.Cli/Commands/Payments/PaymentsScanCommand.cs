using System.CommandLine;
using System.Diagnostics;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Spectre.Console;

namespace Safeguard.Cli.Commands.Payments;

/// <summary><c>safeguard payments scan FEED... --out DIR</c>: one pass over the feeds, subjects of concern out.</summary>
public static class PaymentsScanCommand
{
    public static Command Create()
    {
        var feeds = new Argument<string[]>("feed") { Description = "Transaction feeds (CSV with a header, or JSON lines), in time order; - for standard input", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for subjects.jsonl, network.json and summary.json", Required = true };
        var minLevel = new Option<string>("--min-level") { Description = "Lowest level written to subjects.jsonl: low, medium, high or critical", DefaultValueFactory = _ => "low" };
        var set = new FeedOptionSet();
        var command = new Command("scan", "Read transaction feeds once (state per account, bounded memory) and write the purchasers and facilitators of concern")
        {
            feeds, output, minLevel,
        };
        set.AddTo(command);
        command.SetAction(parse => BenchAction.Run(() =>
        {
            var paths = parse.GetValue(feeds)!;
            if (paths.Count(p => p == "-") > 1) throw new UsageException("standard input (-) can be read only once");
            RiskLevel min;
            try { min = Subject.ParseLevel(parse.GetValue(minLevel)!); }
            catch (FormatException e) { throw new UsageException($"--min-level: {e.Message}"); }
            var options = set.FeedOptions(parse);
            var analyzer = set.Analyzer(parse);
            return Run(paths, options, analyzer, parse.GetValue(output)!, min, parse.GetValue(set.Rates));
        }));
        return command;
    }

    private static int Run(string[] paths, FeedOptions options, PaymentsAnalyzer analyzer, string outDir, RiskLevel min, string? ratesPath)
    {
        var watch = Stopwatch.StartNew();
        var lengths = paths.Select(p => p != "-" && File.Exists(p) ? new FileInfo(p).Length : 0).ToArray();
        PaymentsScanSummary summary;
        if (!Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            summary = console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("reading", maxValue: Math.Max(1, lengths.Sum()));
                    var progress = new BarProgress(task, lengths, watch);
                    return PaymentsScan.Run(paths, options, analyzer, outDir, e => console.WriteLine(Markup.Escape($"safeguard: {e}")), progress, min, ratesPath);
                });
        }
        else
        {
            var progress = new PlainProgress(watch);
            summary = PaymentsScan.Run(paths, options, analyzer, outDir, e => Console.Error.WriteLine($"safeguard: {e}"), progress, min, ratesPath);
        }
        var flagged = summary.Subjects.Sum(r => r.Value.Where(l => l.Key is "high" or "critical").Sum(l => l.Value));
        Console.Out.WriteLine($"{summary.Rows:N0} transactions read, {summary.FailedRows:N0} rows failed{(summary.FailedFiles > 0 ? $", {summary.FailedFiles} files failed" : "")}; "
            + $"purchasers {Levels(summary, "purchaser")}; facilitators {Levels(summary, "facilitator")}");
        Console.Out.WriteLine($"outputs: {Path.Combine(outDir, "subjects.jsonl")}, network.json, summary.json");
        Console.Error.WriteLine($"safeguard: {summary.Rows:N0} transactions in {summary.Seconds:F1} s ({summary.RowsPerSecond:N0}/s); {flagged} subjects at high or critical");
        return summary.AnyFailed ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    private static string Levels(PaymentsScanSummary s, string role) =>
        string.Join(", ", s.Subjects[role].Where(l => l.Value > 0).Select(l => $"{l.Value} {l.Key}")) is { Length: > 0 } text ? text : "none";

    private sealed class BarProgress(ProgressTask task, long[] lengths, Stopwatch watch) : IFeedProgress
    {
        public void Report(int fileIndex, long bytesRead, long fileLength, long rows)
        {
            long done = lengths.Take(fileIndex).Sum() + Math.Max(0, bytesRead);
            task.Value = Math.Min(done, task.MaxValue);
            task.Description = $"reading: {rows:N0} transactions, {rows / Math.Max(watch.Elapsed.TotalSeconds, 1e-3):N0}/s";
        }
    }

    /// <summary>A plain line every ten seconds when standard error is not a terminal.</summary>
    private sealed class PlainProgress(Stopwatch watch) : IFeedProgress
    {
        private double _next = 10;

        public void Report(int fileIndex, long bytesRead, long fileLength, long rows)
        {
            if (watch.Elapsed.TotalSeconds < _next) return;
            _next = watch.Elapsed.TotalSeconds + 10;
            var pct = fileLength > 0 && bytesRead >= 0 ? $" ({100.0 * bytesRead / fileLength:F0}% of feed {fileIndex + 1})" : "";
            Console.Error.WriteLine($"safeguard: {rows:N0} transactions read{pct}, {rows / watch.Elapsed.TotalSeconds:N0}/s");
        }
    }
}
