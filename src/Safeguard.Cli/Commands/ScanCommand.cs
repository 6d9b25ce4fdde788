using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Scanning;
using Safeguard.Hashing.Files;
using Safeguard.Cli.Output;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard scan PATH... --out DIR</c>: forensic triage of folders and archives against the banks.</summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or folders (recursive); ZIP, TAR and TAR.GZ archives are opened, nested too; '-' reads paths from stdin.", Arity = ArgumentArity.OneOrMore };
        var banks = new Option<string[]>("--bank") { Description = "Bank(s) to match against (repeat the option); default: all banks.", AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<string>("--out") { Description = "Output folder (created; must not be inside an input).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted scan in --out without hashing its finished files again (refused, exit 2, when --out holds no interrupted scan)." };
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
            if (parse.GetValue(resume)) CheckResumable(dir);
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
                return Run(parse, scanner, inputs, dir, fingerprint, parse.GetValue(resume), parse.GetValue(caseName)!);
            });
        });
        return command;
    }

    /// <summary>
    /// --resume without a journal would silently rescan everything and overwrite the folder's
    /// outputs: refused, so an examiner never mistakes a fresh scan for the continued one.
    /// </summary>
    private static void CheckResumable(string dir)
    {
        if (File.Exists(Path.Combine(dir, ScanJournal.FileName))) return;
        if (File.Exists(Path.Combine(dir, "summary.json")))
            throw new UsageException($"--resume: the scan in {dir} already finished (summary.json is there, no {ScanJournal.FileName}); nothing to resume");
        throw new UsageException($"--resume: no interrupted scan in {dir} (no {ScanJournal.FileName}); run without --resume to start one");
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

    private static int Run(ParseResult parse, Scanner scanner, string[] inputs, string dir, string fingerprint, bool resume, string caseName)
    {
        var watch = Stopwatch.StartNew();
        // Console.Error is read inside: on a terminal the reporter routes it above the progress bar.
        long failed = ProgressReporter.Run(parse, "scan", "inputs", null,
            progress => scanner.Run(inputs, dir, fingerprint, resume, caseName, new ScanProgress(progress), Console.Error), dataOnStdout: false);
        var summary = File.ReadAllText(Path.Combine(dir, "summary.json"));
        var parsed = JsonSerializer.Deserialize<ScanSummary>(summary, ScanRecord.Json)!;
        Console.Out.WriteLine(parsed.ToText());
        Console.Out.WriteLine($"outputs: {Path.Combine(dir, "files.jsonl")}, files.csv, summary.json, case.vics.json");
        if (parsed.OtherFiles > 0)
            Console.Error.WriteLine($"safeguard: no PDQ computed for {parsed.OtherFiles:N0} file{(parsed.OtherFiles == 1 ? "" : "s")} (not images or videos); matched by exact hashes only");
        Console.Error.WriteLine($"safeguard: scanned {parsed.Files:N0} files in {watch.Elapsed.TotalSeconds:F1} s ({parsed.Files / Math.Max(watch.Elapsed.TotalSeconds, 1e-3):F1} files/s; {scanner.Cache.Computed:N0} PDQ hashes computed)");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    /// <summary>The scanner's progress (top-level inputs done of their total, files so far) on the shared reporter.</summary>
    private sealed class ScanProgress(ProgressReporter progress) : IScanProgress
    {
        public void SetTotal(long topLevelItems) => progress.SetTotal(topLevelItems);

        public void Report(long records, long topLevelDone)
        {
            progress.SetDone(topLevelDone);
            progress.Detail = $"{records:N0} files";
        }
    }
}
