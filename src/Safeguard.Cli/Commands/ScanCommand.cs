using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Scanning;
using Safeguard.Hashing.Files;
using Spectre.Console;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard scan PATH... --out DIR</c>: forensic triage of folders and archives against the banks.</summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (recursive); ZIP, TAR and TAR.GZ archives are opened, nested too; '-' reads paths from stdin.", Arity = ArgumentArity.OneOrMore };
        var banks = new Option<string[]>("--bank") { Description = "Bank(s) to match against (repeat the option); default: all banks.", AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<string>("--out") { Description = "Output folder (created; must not be inside an input).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted scan in --out without hashing its finished files again." };
        var rules = new MatchPolicyOptions();
        var caseName = new Option<string>("--case-name") { Description = "CaseName in case.vics.json.", DefaultValueFactory = _ => "safeguard scan" };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: one per core)." };
        var follow = new Option<bool>("--follow-symlinks")
        {
            Description = "Follow symbolic links found in the evidence when they lead inside the inputs (default: record every link with its target text, never follow it).",
        };
        var options = new ImageHashingOptions();
        var command = new Command("scan", "Forensic triage: hash every file in folders and archives, match against the banks, write files.jsonl/csv, summary.json and a VICS case.")
        {
            paths, banks, outDir, resume,
        };
        rules.AddTo(command);
        command.Add(caseName);
        command.Add(threads);
        command.Add(follow);
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var policy = rules.Read(parse, parse.GetValue(options.Dihedral));
            var hashOptions = options.Read(parse);
            var inputs = parse.GetValue(paths)!;
            var dir = parse.GetValue(outDir)!;
            CheckOutsideInputs(inputs, dir);
            return BankCommandSupport.Run(parse, async store =>
            {
                var bankNames = parse.GetValue(banks) ?? [];
                var index = await BankIndex.LoadAsync(store, bankNames);
                Directory.CreateDirectory(dir);
                string fingerprint = JsonSerializer.Serialize(new
                {
                    scan = 1, follow_symlinks = parse.GetValue(follow), inputs = inputs.Select(Path.GetFullPath).ToArray(), banks = bankNames.Order(StringComparer.Ordinal).ToArray(),
                    bank_seq = index.AppliedChangeSeq, policy.Threshold, policy.MinQuality, policy.Dihedral,
                    policy.TmkLevel1Threshold, policy.TmkLevel2Threshold, tmk = !parse.GetValue(rules.NoTmk),
                    hashOptions.Unletterbox, sizing = hashOptions.Sizing.ToString(), hashOptions.Decode.MaxPixels, exif = hashOptions.Decode.ApplyExifOrientation,
                });
                var scanner = new Scanner(new Matcher(index, policy), hashOptions with { Signals = HashSignals.All }, ArchiveLimits.Default)
                {
                    Threads = parse.GetValue(threads), Symlinks = parse.GetValue(follow) ? SymlinkPolicy.WithinInputs : SymlinkPolicy.Record,
                    VideoOptions = rules.VideoOptions(parse),
                };
                return Run(scanner, inputs, dir, fingerprint, parse.GetValue(resume), parse.GetValue(caseName)!);
            });
        });
        return command;
    }

    private static void CheckOutsideInputs(string[] inputs, string dir)
    {
        string outFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        foreach (var input in inputs)
        {
            if (input == "-" || !Directory.Exists(input)) continue;
            string inFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(input));
            if (outFull == inFull || outFull.StartsWith(inFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new UsageException($"--out {dir} is inside the input {input}: the evidence is never written to");
        }
    }

    private static int Run(Scanner scanner, string[] inputs, string dir, string fingerprint, bool resume, string caseName)
    {
        var watch = Stopwatch.StartNew();
        long failed;
        var errors = Console.Error;
        if (!Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            failed = console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("scanning", maxValue: 1);
                    task.IsIndeterminate = true;
                    // Error lines go through the live display so they print above the bar, not through it.
                    return scanner.Run(inputs, dir, fingerprint, resume, caseName, new SpectreProgress(task, watch), new LineWriter(console));
                });
        }
        else
        {
            using var plain = new PlainProgress(watch);
            failed = scanner.Run(inputs, dir, fingerprint, resume, caseName, plain, errors);
        }
        var summary = File.ReadAllText(Path.Combine(dir, "summary.json"));
        var parsed = JsonSerializer.Deserialize<ScanSummary>(summary, ScanRecord.Json)!;
        Console.Out.WriteLine(parsed.ToText());
        Console.Out.WriteLine($"outputs: {Path.Combine(dir, "files.jsonl")}, files.csv, summary.json, case.vics.json");
        Console.Error.WriteLine($"safeguard: scanned {parsed.Files:N0} files in {watch.Elapsed.TotalSeconds:F1} s ({parsed.Files / Math.Max(watch.Elapsed.TotalSeconds, 1e-3):F1} files/s; {scanner.Cache.Computed:N0} PDQ hashes computed)");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    private sealed class LineWriter(IAnsiConsole console) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void WriteLine(string? value) => console.WriteLine(value ?? "");
    }

    private sealed class SpectreProgress(ProgressTask task, Stopwatch watch) : IScanProgress
    {
        private long _total = -1;

        public void SetTotal(long topLevelItems)
        {
            Interlocked.Exchange(ref _total, topLevelItems);
        }

        public void Report(long records, long topLevelDone)
        {
            long total = Interlocked.Read(ref _total);
            double rate = records / Math.Max(watch.Elapsed.TotalSeconds, 1e-3);
            task.Description = $"scanning: {records:N0} files, {rate:F1} files/s";
            if (total > 0)
            {
                task.IsIndeterminate = false;
                task.MaxValue = total;
                task.Value = Math.Min(topLevelDone, total);
            }
        }
    }

    /// <summary>A plain progress line every few seconds when stderr is not a terminal.</summary>
    private sealed class PlainProgress : IScanProgress, IDisposable
    {
        private readonly Stopwatch _watch;
        private readonly Timer _timer;
        private long _total = -1, _records, _top;

        public PlainProgress(Stopwatch watch)
        {
            _watch = watch;
            _timer = new Timer(_ => Print(), null, 5000, 5000);
        }

        public void SetTotal(long topLevelItems) => Interlocked.Exchange(ref _total, topLevelItems);

        public void Report(long records, long topLevelDone)
        {
            Interlocked.Exchange(ref _records, records);
            Interlocked.Exchange(ref _top, topLevelDone);
        }

        private void Print()
        {
            long records = Interlocked.Read(ref _records), top = Interlocked.Read(ref _top), total = Interlocked.Read(ref _total);
            double secs = _watch.Elapsed.TotalSeconds, rate = records / Math.Max(secs, 1e-3);
            string eta = total > 0 && top > 0 ? $", ETA {TimeSpan.FromSeconds((total - top) * secs / top):hh\\:mm\\:ss}" : "";
            string of = total > 0 ? $" of {total:N0}" : "";
            Console.Error.WriteLine($"safeguard: scan: {top:N0}{of} inputs, {records:N0} files, {rate:F1} files/s{eta}");
        }

        public void Dispose() => _timer.Dispose();
    }
}
