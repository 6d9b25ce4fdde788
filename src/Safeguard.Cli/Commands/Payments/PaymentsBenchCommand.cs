using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Cli.Bench;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Synthetic;
using FeedOptions = Safeguard.Payments.Feed.FeedOptions;

namespace Safeguard.Cli.Commands.Payments;

/// <summary>
/// <c>safeguard payments bench</c>: generates a feed (or takes one with its truth), runs the scan end to
/// end, and prints speed, peak memory and detection quality per role and per look-alike group; with
/// <c>--baseline</c> the same analyser is also fed by the naive string-per-field reader, in the same run.
/// </summary>
public static class PaymentsBenchCommand
{
    public static Command Create()
    {
        var transactions = new Option<long?>("--transactions") { Description = "Size of the generated feed (default: the preset's natural size, about 1M)" };
        var seed = new Option<int>("--seed") { Description = "Generator seed", DefaultValueFactory = _ => 1 };
        var preset = new Option<string>("--preset") { Description = "tuned or unseen (other amounts, rates, countries and group sizes)", DefaultValueFactory = _ => "tuned" };
        var dir = new Option<string?>("--dir") { Description = "Folder for the feed and outputs (default: a temporary folder, removed afterwards)" };
        var feed = new Option<string?>("--feed") { Description = "Use this feed instead of generating one (with --truth for quality figures)" };
        var truth = new Option<string?>("--truth") { Description = "Ground truth of --feed (from make-feed --truth)" };
        var baseline = new Option<bool>("--baseline") { Description = "Also time the naive reader (strings per field, framework parsers) feeding the same analyser" };
        var level = new Option<string>("--level") { Description = "Level counted as flagged for precision and recall", DefaultValueFactory = _ => "high" };
        var command = new Command("bench", "Measure payments scan speed, peak memory and detection quality on a generated feed")
        {
            transactions, seed, preset, dir, feed, truth, baseline, level,
        };
        command.SetAction(parse => BenchAction.Run(() =>
        {
            RiskLevel atLeast;
            try { atLeast = Subject.ParseLevel(parse.GetValue(level)!); }
            catch (FormatException e) { throw new UsageException($"--level: {e.Message}"); }
            var given = parse.GetValue(feed);
            var work = parse.GetValue(dir) ?? Path.Combine(Path.GetTempPath(), $"safeguard-payments-bench-{Environment.ProcessId}");
            bool temporary = parse.GetValue(dir) is null;
            Directory.CreateDirectory(work);
            try
            {
                string feedPath;
                GroundTruth? groundTruth = null;
                if (given is not null)
                {
                    if (!File.Exists(given)) throw new UsageException($"--feed {given}: no such file");
                    feedPath = given;
                    if (parse.GetValue(truth) is { } t)
                    {
                        using var ts = File.OpenRead(t);
                        groundTruth = GroundTruth.Read(ts);
                    }
                }
                else
                {
                    int s = parse.GetValue(seed);
                    var settings = parse.GetValue(preset)?.ToLowerInvariant() switch
                    {
                        "tuned" or null => FeedSettings.Tuned(s),
                        "unseen" => FeedSettings.Unseen(s),
                        var other => throw new UsageException($"--preset must be tuned or unseen, not \"{other}\""),
                    };
                    if (parse.GetValue(transactions) is { } n) settings = settings with { TargetTransactions = n };
                    feedPath = Path.Combine(work, "feed.csv");
                    var gen = new FeedGenerator(settings);
                    var genWatch = Stopwatch.StartNew();
                    FeedSummary made;
                    using (var f = File.Create(feedPath)) made = gen.Write(f);
                    using (var tf = File.Create(Path.Combine(work, "truth.json"))) gen.WriteTruth(tf, made.Transactions);
                    using (var tr = File.OpenRead(Path.Combine(work, "truth.json"))) groundTruth = GroundTruth.Read(tr);
                    Console.Out.WriteLine($"feed: {made.Transactions:N0} transactions, {new FileInfo(feedPath).Length / 1e6:N0} MB, preset {settings.Preset}, seed {s} (generated in {genWatch.Elapsed.TotalSeconds:F1} s)");
                    gen = null;
                    GC.Collect();
                }
                return Run(feedPath, work, groundTruth, parse.GetValue(baseline), atLeast);
            }
            finally
            {
                if (temporary) try { Directory.Delete(work, recursive: true); } catch (IOException) { }
            }
        }));
        return command;
    }

    private static int Run(string feedPath, string work, GroundTruth? truth, bool baseline, RiskLevel atLeast)
    {
        var ci = CultureInfo.InvariantCulture;
        long bytes = new FileInfo(feedPath).Length;
        var before = Process.GetCurrentProcess();
        before.Refresh();
        var analyzer = new PaymentsAnalyzer();
        var watch = Stopwatch.StartNew();
        long errors = 0;
        var summary = PaymentsScan.Run([feedPath], new FeedOptions(), analyzer, Path.Combine(work, "out"), _ => errors++);
        double seconds = watch.Elapsed.TotalSeconds;
        var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.Out.WriteLine(string.Create(ci,
            $"scan: {summary.Rows:N0} transactions in {seconds:F2} s = {summary.Rows / seconds:N0}/s ({bytes / 1e6 / seconds:N0} MB/s), peak working set {self.PeakWorkingSet64 / 1e6:N0} MB, {analyzer.Senders.Count + analyzer.Receivers.Count:N0} accounts tracked, {summary.FailedRows} rows failed"));
        if (baseline)
        {
            var naive = new PaymentsAnalyzer();
            var naiveWatch = Stopwatch.StartNew();
            long rows = NaivePaymentsReader.Run(feedPath, naive);
            double ns = naiveWatch.Elapsed.TotalSeconds;
            Console.Out.WriteLine(string.Create(ci, $"baseline (strings per field, framework parsers): {rows:N0} transactions in {ns:F2} s = {rows / ns:N0}/s; scan is {ns / seconds:F1}x faster"));
        }
        if (truth is not null)
        {
            var subjects = analyzer.Score();
            var quality = QualityReport.Compute(truth.Accounts, subjects.Select(s => new DetectedSubject(s.Account, Subject.RoleName(s.Role), s.Level)), atLeast);
            Console.Out.WriteLine($"quality at level >= {Subject.LevelName(atLeast)} (preset {truth.Preset}, seed {truth.Seed}):");
            foreach (var r in quality.Roles)
                Console.Out.WriteLine(string.Create(ci,
                    $"  {r.Role,-11}: precision {r.Precision:F3} ({r.Correct}/{r.Flagged}), recall {r.Recall:F3} ({r.Correct}/{r.Expected}){(r.HardExpected > 0 ? $", hard cases found {r.HardFound}/{r.HardExpected}" : "")}"));
            Console.Out.WriteLine("  false positives by look-alike group: " + string.Join(", ", quality.FalsePositivesByGroup.Select(kv => $"{kv.Key} {kv.Value}")));
        }
        return summary.AnyFailed ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }
}
