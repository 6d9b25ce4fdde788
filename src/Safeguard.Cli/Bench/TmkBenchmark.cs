using System.Diagnostics;
using Safeguard.Cli.Commands.Video;
using Safeguard.Hashing.Tmk;
using Safeguard.Video;
using Safeguard.Video.Ffmpeg;
using Safeguard.Video.Tmk;
using Safeguard.Video.Vpdq;

namespace Safeguard.Cli.Bench;

/// <summary>
/// The runs of <c>bench tmk</c> over one set of videos: Meta's <c>tmk-hash-video</c> (one process
/// per file, as its command line works), our <c>video tmk</c> batch, and our single signals, each
/// timed by wall clock and by CPU (this process and every finished child, FFmpeg included).
/// </summary>
public sealed class TmkBenchmark(IReadOnlyList<string> videos, string workDir)
{
    public sealed record Figures(double WallSeconds, double CpuSeconds, string? Note = null);

    public string MetaDir { get; } = Directory.CreateDirectory(Path.Combine(workDir, "meta")).FullName;
    public string OursDir { get; } = Directory.CreateDirectory(Path.Combine(workDir, "ours")).FullName;

    /// <summary>Meta's tool on every file, <paramref name="atOnce"/> processes at a time; fails with the tool's own message.</summary>
    public Figures RunReference(string tool, int atOnce) => Time(() =>
    {
        string? error = null;
        Parallel.ForEach(videos, new ParallelOptions { MaxDegreeOfParallelism = atOnce }, video =>
        {
            var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var a in new[] { "-f", FfmpegTools.Ffmpeg, "-i", video, "-o", Path.Combine(MetaDir, TmkBatch.OutputName(video)) })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            // FFmpeg's progress goes to stderr: drained so the pipe never fills.
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            _ = stdout.Result;
            if (p.ExitCode != 0)
                error ??= $"{tool} failed on {video} (exit code {p.ExitCode}): {stderr.Result.Trim().Split('\n')[^1]}";
        });
        return error;
    });

    /// <summary>Our <c>video tmk</c> path: the same batch the command runs, writing .tmk files.</summary>
    public Figures RunVideoTmk(int jobs) => Time(() =>
    {
        var plan = TmkBatch.Plan(videos.Select(v => new Safeguard.Hashing.Files.InputItem(v)), OursDir);
        string? error = null;
        TmkBatch.Run(plan.Jobs, jobs, TmkOptions.Default, r => error ??= r.Error is null ? null : $"{r.Job.Input}: {r.Error}");
        return error;
    });

    /// <summary>One signal set per file, <paramref name="jobs"/> files at once, each with a single-threaded decoder.</summary>
    public Figures RunEach(int jobs, Func<string, string?> hash) => Time(() =>
    {
        string? error = null;
        Parallel.ForEach(videos, new ParallelOptions { MaxDegreeOfParallelism = jobs }, v =>
        {
            try
            {
                if (hash(v) is { } e) error ??= $"{v}: {e}";
            }
            catch (Exception ex) when (ex is VideoException or TimeoutException or IOException)
            {
                error ??= $"{v}: {ex.Message}";
            }
        });
        return error;
    });

    /// <summary>vPDQ at 1 fps, with TMK from the same decode when <paramref name="tmk"/> is set.</summary>
    public static string? Vpdq(string video, bool tmk) =>
        VpdqHasher.HashFile(video, new VpdqOptions { ComputeMd5 = false, DecoderThreads = 1, Tmk = tmk }).Error;

    public static string? TmkAlone(string video)
    {
        TmkHasher.HashFile(video, new TmkOptions { DecoderThreads = 1 });
        return null;
    }

    /// <summary>FFmpeg alone doing TMK's decode, resampling and scaling, the frames thrown away: the floor under any FFmpeg-based TMK.</summary>
    public static string? FfmpegAlone(string video)
    {
        using var p = FfmpegProcess.Start(FfmpegTools.Ffmpeg, DecodeArgs(video));
        p.StdoutStream.CopyTo(Stream.Null);
        int code = p.WaitForExit(TimeSpan.FromMinutes(10));
        return code == 0 ? null : $"ffmpeg exit code {code}";
    }

    /// <summary>TmkHasher's FFmpeg command line with one decoder thread.</summary>
    private static List<string> DecodeArgs(string video)
    {
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error", "-nostdin", "-threads", "1", "-i", video };
        args.AddRange(TmkHasher.OutputArgs);
        args.Add("pipe:1");
        return args;
    }

    /// <summary>Our file against the reference tool's for each video (null where either is missing).</summary>
    public IEnumerable<(string Video, TmkScore? Score, string? Error)> CompareWithReference()
    {
        foreach (var v in videos)
        {
            string name = TmkBatch.OutputName(v);
            string ours = Path.Combine(OursDir, name), meta = Path.Combine(MetaDir, name);
            TmkScore? score = null;
            string? error = null;
            try { score = TmkScorer.Score(TmkFile.ReadFile(ours), TmkFile.ReadFile(meta)); }
            catch (Exception ex) when (ex is IOException or TmkFormatException or ArgumentException) { error = ex.Message; }
            yield return (v, score, error);
        }
    }

    private static Figures Time(Func<string?> run)
    {
        double cpu0 = CpuTime.Seconds();
        var watch = Stopwatch.StartNew();
        string? error = run();
        return new Figures(watch.Elapsed.TotalSeconds, CpuTime.Seconds() - cpu0, error);
    }
}
