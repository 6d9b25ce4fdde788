using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Hashing.Files;
using Safeguard.Video.Tmk;

namespace Safeguard.Cli.Commands.Video;

/// <summary><c>safeguard video tmk FILE... --out DIR</c>: Meta's TMK+PDQF <c>.tmk</c> file of each video.</summary>
public static class VideoTmkCommand
{
    /// <summary>Seconds between progress lines on stderr (none for a batch shorter than this).</summary>
    private const int ProgressSeconds = 5;

    public static Command Create()
    {
        var files = new Argument<string[]>("FILE")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "Video files or directories (recursive); '-' reads paths from standard input, one per line.",
        };
        var outDir = new Option<string>("--out") { Description = "Folder for the .tmk files (created): OUT/<file name without extension>.tmk.", Required = true };
        var jobs = new Option<int>("--jobs") { Description = "Videos hashed at once, each by a single-threaded FFmpeg decoder (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse videos whose frames have more pixels than this.", DefaultValueFactory = _ => Safeguard.Video.Ffmpeg.VideoProbe.DefaultMaxPixels };
        var stall = new Option<double>("--stall-timeout") { Description = "Seconds without decoded data before a video is abandoned.", DefaultValueFactory = _ => 60 };
        var command = new Command("tmk", "TMK+PDQF (Meta's temporal-match-kernel video hash) of videos, written as Meta's .tmk files.")
        {
            files, outDir, jobs, maxPixels, stall,
        };
        command.SetAction(p =>
        {
            int n = p.GetValue(jobs);
            if (n < 1) throw new UsageException("--jobs must be at least 1");
            if (p.GetValue(maxPixels) <= 0) throw new UsageException("--max-pixels must be positive");
            double stallSeconds = p.GetValue(stall);
            if (!(stallSeconds > 0)) throw new UsageException("--stall-timeout must be positive");
            var options = new TmkOptions { MaxPixels = p.GetValue(maxPixels), StallTimeout = TimeSpan.FromSeconds(stallSeconds) };
            return Run(p.GetValue(files)!, p.GetValue(outDir)!, n, options);
        });
        return command;
    }

    private static int Run(string[] inputs, string outDir, int jobs, TmkOptions options)
    {
        if (File.Exists(outDir)) throw new UsageException($"--out {outDir} is a file, not a folder");
        try { Directory.CreateDirectory(outDir); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"--out {outDir}: cannot create the folder: {ex.Message}"); }

        var plan = TmkBatch.Plan(InputWalker.Expand(inputs), outDir);
        int failed = plan.Refused.Count, finished = 0;
        foreach (var (input, error) in plan.Refused) Console.Error.WriteLine($"safeguard: {input}: {error}");

        var watch = Stopwatch.StartNew();
        using var progress = new Timer(_ => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"safeguard: video tmk: {Volatile.Read(ref finished)} of {plan.Jobs.Count} videos done, {watch.Elapsed.TotalSeconds:F0} s")),
            null, ProgressSeconds * 1000, ProgressSeconds * 1000);
        TmkBatch.Run(plan.Jobs, jobs, options, r =>
        {
            Interlocked.Increment(ref finished);
            if (r.Failed)
            {
                failed++;
                Console.Error.WriteLine($"safeguard: {r.Job.Input}: {r.Error}");
            }
            else
            {
                Console.Out.WriteLine($"{r.Job.Input} -> {r.Job.Output}");
                if (TmkInput.ShortVideoNote(r.Features!) is { } note) Console.Error.WriteLine($"safeguard: {r.Job.Input}: {note}");
            }
        });
        progress.Change(Timeout.Infinite, Timeout.Infinite);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"safeguard: video tmk: {plan.Jobs.Count - (failed - plan.Refused.Count)} written, {failed} failed, {watch.Elapsed.TotalSeconds:F1} s"));
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }
}
