using System.CommandLine;
using System.Globalization;
using Safeguard.Cli.Bench;
using Safeguard.Video.Ffmpeg;

namespace Safeguard.Cli.Commands.Video;

/// <summary>
/// <c>safeguard bench tmk</c>: TMK+PDQF speed beside Meta's <c>tmk-hash-video</c> on the same
/// files in one run, our vPDQ and TMK alone and together, FFmpeg's share, and a check that our
/// files score at least 0.999 against the reference tool's.
/// </summary>
public static class BenchTmkCommand
{
    /// <summary>Meta's tool, when --reference is not given.</summary>
    public const string ReferenceEnvironmentVariable = "SAFEGUARD_TMK_REFERENCE";

    public static Command Create()
    {
        var videos = new Option<string>("--videos") { Description = "A folder of videos (default: the vPDQ test videos beside the repository, ../shared/testdata/vpdq/videos)." };
        var reference = new Option<string>("--reference") { Description = $"Meta's tmk-hash-video, run beside ours (default: ${ReferenceEnvironmentVariable}; without either those rows are left out)." };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds; the best of them is reported for each run.", DefaultValueFactory = _ => 3 };
        var command = new Command("tmk", "Videos/s and frames/s of TMK+PDQF: Meta's tmk-hash-video (one after another and two at a time), 'video tmk', vPDQ and TMK alone and from one decode, FFmpeg alone.")
        {
            videos, reference, rounds,
        };
        command.SetAction(p => Run(p.GetValue(videos) ?? DefaultVideos(), p.GetValue(reference) ?? Environment.GetEnvironmentVariable(ReferenceEnvironmentVariable),
            p.GetValue(rounds)));
        return command;
    }

    private static int Run(string dir, string? reference, int rounds)
    {
        if (rounds < 1) throw new UsageException("--rounds must be at least 1");
        if (!Directory.Exists(dir)) throw new UsageException($"--videos {dir}: no such folder");
        if (!string.IsNullOrEmpty(reference) && !File.Exists(reference)) throw new UsageException($"--reference {reference}: no such file");
        if (string.IsNullOrEmpty(reference)) reference = null;
        var files = Directory.EnumerateFiles(dir).Where(f => !f.EndsWith(".tmk", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        var infos = new List<VideoInfo>();
        foreach (var f in files)
        {
            try { infos.Add(VideoProbe.Probe(f, TimeSpan.FromSeconds(30))); }
            catch (Exception ex) when (ex is Safeguard.Video.VideoException or TimeoutException or IOException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"safeguard: {f}: {ex.Message}");
                return ExitCodes.SomeFailed;
            }
        }
        if (files.Count == 0) throw new UsageException($"--videos {dir}: no videos");

        var inv = CultureInfo.InvariantCulture;
        var o = Console.Out;
        int cores = Environment.ProcessorCount;
        double frames = infos.Sum(i => Math.Round(i.DurationSeconds * i.FrameRate));
        double seconds = infos.Sum(i => i.DurationSeconds);
        o.WriteLine($"# safeguard bench tmk --videos {dir}{(reference is null ? "" : $" --reference {reference}")} --rounds {rounds}");
        o.WriteLine(string.Create(inv, $"machine: {cores} cores, {BenchMachine.CpuModel()}, load average {BenchMachine.LoadAverage():0.0} at start; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        o.WriteLine(string.Create(inv, $"videos: {files.Count}, {seconds:F1} s, {frames:F0} source frames (duration x frame rate; {string.Join(", ", infos.Select(i => $"{i.Width}x{i.Height}").Distinct())})"));
        o.WriteLine();

        var work = Directory.CreateTempSubdirectory("safeguard-bench-tmk-").FullName;
        try
        {
            var bench = new TmkBenchmark(files, work);
            var rows = new (string Name, Func<TmkBenchmark.Figures> Run)[]
            {
                ("Meta's tmk-hash-video, one file after another (FFmpeg's default threads)", () => bench.RunReference(reference!, 1)),
                ("Meta's tmk-hash-video, two processes at a time", () => bench.RunReference(reference!, 2)),
                ($"safeguard video tmk (--jobs {cores}, 1 decoder thread each, .tmk files written)", () => bench.RunVideoTmk(cores)),
                ($"FFmpeg alone: TMK's decode + 64x64 15 fps RGB, discarded ({cores} at a time)", () => bench.RunEach(cores, TmkBenchmark.FfmpegAlone)),
                ($"TMK alone ({cores} at a time)", () => bench.RunEach(cores, TmkBenchmark.TmkAlone)),
                ($"vPDQ alone, 1 fps ({cores} at a time)", () => bench.RunEach(cores, v => TmkBenchmark.Vpdq(v, tmk: false))),
                ($"vPDQ 1 fps + TMK from one decode ({cores} at a time)", () => bench.RunEach(cores, v => TmkBenchmark.Vpdq(v, tmk: true))),
            };
            var active = rows.Where(r => reference is not null || !r.Name.StartsWith("Meta's", StringComparison.Ordinal)).ToList();
            bench.RunVideoTmk(cores); // warm-up: JIT, page cache
            var best = new TmkBenchmark.Figures?[active.Count];
            // One round of everything at a time: on a shared machine the load drifts, and
            // interleaving keeps each comparison inside the same window.
            for (int round = 0; round < rounds; round++)
                for (int i = 0; i < active.Count; i++)
                {
                    var f = active[i].Run();
                    if (f.Note is not null) { Console.Error.WriteLine($"safeguard: bench tmk: {f.Note}"); return ExitCodes.SomeFailed; }
                    if (best[i] is null || f.WallSeconds < best[i]!.WallSeconds) best[i] = f;
                }

            double? metaWall = reference is null ? null : best[0]!.WallSeconds;
            double? metaCpu = reference is null ? null : best[0]!.CpuSeconds;
            o.WriteLine($"Best of {rounds} rounds. CPU s: this process and its finished children (FFmpeg, Meta's tool) together.");
            o.WriteLine();
            o.WriteLine("| run | wall s | videos/s | source frames/s | CPU s | wall / Meta's | CPU / Meta's |");
            o.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            for (int i = 0; i < active.Count; i++)
            {
                var f = best[i]!;
                string name = active[i].Name;
                string Ratio(double? baseline, double value) => baseline is { } b ? (value / b).ToString("F2", inv) : "-";
                o.WriteLine(string.Create(inv,
                    $"| {name} | {f.WallSeconds:F2} | {files.Count / f.WallSeconds:F2} | {frames / f.WallSeconds:F0} | {f.CpuSeconds:F2} | {Ratio(metaWall, f.WallSeconds)} | {Ratio(metaCpu, f.CpuSeconds)} |"));
            }
            o.WriteLine();
            if (reference is null)
            {
                o.WriteLine($"Meta's tool not given (--reference or ${ReferenceEnvironmentVariable}): no comparison with it.");
                return ExitCodes.Ok;
            }
            return PrintCheck(bench, o, inv);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Our file against Meta's for each video: both levels must reach 0.999.</summary>
    private static int PrintCheck(TmkBenchmark bench, TextWriter o, CultureInfo inv)
    {
        o.WriteLine("Our .tmk against Meta's tool's .tmk of the same file (both must be >= 0.999):");
        o.WriteLine();
        o.WriteLine("| video | level 1 | level 2 | ok |");
        o.WriteLine("|---|---:|---:|---|");
        bool allOk = true;
        foreach (var (video, score, error) in bench.CompareWithReference())
        {
            bool ok = score is { } s && s.Level1 >= 0.999f && s.Level2 >= 0.999f;
            allOk &= ok;
            o.WriteLine(score is { } sc
                ? string.Create(inv, $"| {Path.GetFileName(video)} | {(double)sc.Level1:F6} | {(double)sc.Level2:F6} | {(ok ? "yes" : "NO")} |")
                : $"| {Path.GetFileName(video)} | - | - | NO: {error} |");
        }
        o.WriteLine();
        o.WriteLine(allOk ? "All files agree with the reference tool." : "Some files do NOT agree with the reference tool.");
        return allOk ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    /// <summary>The vPDQ test videos beside the repository, looked for from the current folder upwards.</summary>
    private static string DefaultVideos()
    {
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
            foreach (var c in new[] { Path.Combine(d.FullName, "shared", "testdata", "vpdq", "videos"), Path.Combine(d.FullName, "..", "shared", "testdata", "vpdq", "videos") })
                if (Directory.Exists(c)) return Path.GetFullPath(c);
        throw new UsageException("the vPDQ test videos (../shared/testdata/vpdq/videos) were not found; give a folder with --videos");
    }
}
