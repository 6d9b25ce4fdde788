using System.CommandLine;
using System.Diagnostics;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.State;
using Safeguard.Storage;
using Safeguard.Storage.Payments;

namespace Safeguard.Cli.Commands.Payments;

/// <summary>
/// <c>safeguard payments work FEED... --state postgres://... --partition K/N</c>: feeds this worker's
/// senders into state shared in PostgreSQL; <c>safeguard payments score --state ... --out DIR</c> scores it.
/// </summary>
public static class PaymentsWorkCommand
{
    private static Option<string> StateOption() => new("--state") { Description = "The shared state: a postgres:// URI or an Npgsql connection string", Required = true };

    public static Command Create()
    {
        var feeds = new Argument<string[]>("feed") { Description = "Transaction feeds (CSV with a header, or JSON lines), in time order; - for standard input", Arity = ArgumentArity.OneOrMore };
        var state = StateOption();
        var partition = new Option<string>("--partition") { Description = "K/N: take only the senders whose name hashes (FNV-1a) to K modulo N; run one worker per K", DefaultValueFactory = _ => "0/1" };
        var batch = new Option<int>("--batch") { Description = "Rows read per batch (one transaction each)", DefaultValueFactory = _ => 20_000 };
        var run = new Option<string?>("--run") { Description = "Names this input so that feeding it again skips the batches already committed (default: the feed names and sizes; none for standard input)" };
        var set = new FeedOptionSet();
        var command = new Command("work", "Feed transactions into payments state shared in PostgreSQL, one batch per transaction, so that several workers can share it")
        {
            feeds, state, partition, batch, run,
        };
        set.AddTo(command);
        command.SetAction(parse => BenchAction.Run(() =>
        {
            var paths = parse.GetValue(feeds)!;
            if (paths.Count(p => p == "-") > 1) throw new UsageException("standard input (-) can be read only once");
            PaymentsPartition part;
            try { part = PaymentsPartition.Parse(parse.GetValue(partition)!); }
            catch (FormatException e) { throw new UsageException($"--partition: {e.Message}"); }
            int rows = parse.GetValue(batch);
            if (rows < 1) throw new UsageException("--batch must be at least 1");
            var options = set.FeedOptions(parse);
            var analyzer = set.Analyzer(parse);
            string? prefix = parse.GetValue(run) ?? (paths.Contains("-") ? null
                : string.Join(",", paths.Select(p => $"{Path.GetFileName(p)}:{(File.Exists(p) ? new FileInfo(p).Length : 0)}")));
            if (prefix is not null) prefix = $"{prefix}|{part}|{rows}";

            using var store = Open(parse.GetValue(state)!);
            var worker = new PaymentsWorker(store, analyzer.Settings, [.. analyzer.Known.Select(analyzer.Accounts.NameOf)])
            {
                BatchRows = rows, Partition = part, BatchPrefix = prefix,
            };
            var watch = Stopwatch.StartNew();
            var reader = worker.Feed(paths, options, e => Console.Error.WriteLine($"safeguard: {e}"));
            double seconds = watch.Elapsed.TotalSeconds;
            Console.Out.WriteLine($"{reader.Rows:N0} transactions read, {worker.RowsApplied:N0} applied for partition {part} in {worker.Batches:N0} batches"
                + $"{(worker.SkippedBatches > 0 ? $" ({worker.SkippedBatches:N0} already committed, skipped)" : "")}, {worker.Retries} retries");
            Console.Error.WriteLine($"safeguard: {reader.Rows:N0} transactions in {seconds:F1} s ({reader.Rows / Math.Max(seconds, 1e-6):N0}/s)");
            return reader.FailedRows > 0 || reader.FailedFiles > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
        }));
        return command;
    }

    public static Command CreateScore()
    {
        var state = StateOption();
        var output = new Option<string>("--out") { Description = "Folder for subjects.jsonl and network.json", Required = true };
        var minLevel = new Option<string>("--min-level") { Description = "Lowest level written to subjects.jsonl: low, medium, high or critical", DefaultValueFactory = _ => "low" };
        var set = new FeedOptionSet();
        var command = new Command("score", "Score the payments state shared in PostgreSQL (written by payments work) and write subjects.jsonl and network.json")
        {
            state, output, minLevel, set.Indicators, set.Known,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            RiskLevel min;
            try { min = Subject.ParseLevel(parse.GetValue(minLevel)!); }
            catch (FormatException e) { throw new UsageException($"--min-level: {e.Message}"); }
            var fresh = set.Analyzer(parse);
            using var store = Open(parse.GetValue(state)!);
            var analyzer = PaymentsWorker.LoadAnalyzer(store, fresh.Settings, fresh.Known.Select(fresh.Accounts.NameOf));
            var outDir = parse.GetValue(output)!;
            var subjects = PaymentsScan.WriteResults(analyzer, outDir, min);
            Console.Out.WriteLine($"{analyzer.Senders.Count + analyzer.Receivers.Count:N0} accounts with state; {subjects.Count(s => s.Role == SubjectRole.Purchaser):N0} purchasers, "
                + $"{subjects.Count(s => s.Role == SubjectRole.Facilitator):N0} facilitators at {Subject.LevelName(min)} or above");
            Console.Out.WriteLine($"outputs: {Path.Combine(outDir, "subjects.jsonl")}, network.json");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static PostgresPaymentsStateStore Open(string state)
    {
        if (!ConnectionStrings.IsPostgres(state)) throw new UsageException("--state must be a postgres:// URI or an Npgsql connection string (Host=...)");
        return PostgresPaymentsStateStore.OpenAsync(state).GetAwaiter().GetResult();
    }
}
