using System.Diagnostics;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pipeline;

namespace Safeguard.Cli.Bench;

/// <summary>
/// Measures <c>safeguard hash</c> on a folder of images against libjpeg-turbo's djpeg decoding
/// the same files single-threaded, in one run, and breaks our time down by stage.
/// </summary>
public sealed class HashBenchmark(IReadOnlyList<string> files)
{
    public sealed record Figures(double Seconds, int Images)
    {
        public double ImagesPerSecond => Images / Seconds;
    }

    /// <summary>One timed run of the whole pipeline on all cores (the caller repeats and keeps the best).</summary>
    public Figures RunPipeline(FileHashOptions options, int threads = 0)
    {
        int ok = 0;
        var sw = Stopwatch.StartNew();
        OrderedParallel.Run(files, () => new FileHasher(options), (h, f) => h.HashFile(f), res => { if (!res.Failed) ok++; }, threads,
            cost: FileHasher.EstimatedCost);
        sw.Stop();
        if (ok != files.Count) throw new InvalidOperationException($"only {ok} of {files.Count} files hashed");
        return new Figures(sw.Elapsed.TotalSeconds, files.Count);
    }

    /// <summary>One thread with stage timers on: milliseconds per image for each stage.</summary>
    public IReadOnlyList<(string Stage, double MsPerImage)> StageBreakdown(FileHashOptions options)
    {
        using var hasher = new FileHasher(options) { CollectStageTimes = true };
        foreach (var f in files) hasher.HashFile(f); // warm-up
        hasher.Times = default;
        var before = hasher.PdqTimes;
        foreach (var f in files) hasher.HashFile(f);
        var pdq = hasher.PdqTimes;
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency / files.Count;
        return
        [
            ("read", Ms(hasher.Times.Read)),
            ("md5+sha1+sha256", Ms(hasher.Times.Exact)),
            ("decode", Ms(hasher.Times.Decode)),
            ("resize+luma", Ms(pdq.Resize - before.Resize)),
            ("blur+decimate", Ms(pdq.Blur - before.Blur)),
            ("dct+bits", Ms(pdq.Dct - before.Dct)),
        ];
    }

    /// <summary>Hamming distances between the hashes of two option sets over the same files.</summary>
    public static IReadOnlyList<int> Distances(IEnumerable<string> paths, FileHashOptions exact, FileHashOptions other)
    {
        using var a = new FileHasher(exact);
        using var b = new FileHasher(other);
        var result = new List<int>();
        foreach (var p in paths)
        {
            var ra = a.HashFile(p);
            var rb = b.HashFile(p);
            if (ra.Pdq is { } ha && rb.Pdq is { } hb) result.Add(ha.Hash.DistanceTo(hb.Hash));
        }
        return result;
    }

    /// <summary>
    /// One pass of djpeg decoding every file to /dev/null, one after another; and the same number
    /// of runs on a tiny image, to subtract process start-up from the per-file cost.
    /// </summary>
    public (Figures Raw, double StartupSeconds)? RunDjpeg(string djpeg, string tinyJpeg, bool startup = true)
    {
        if (!File.Exists(djpeg)) return null;
        var sw = Stopwatch.StartNew();
        foreach (var f in files) RunProcess(djpeg, f);
        double raw = sw.Elapsed.TotalSeconds;
        if (!startup) return (new Figures(raw, files.Count), 0);
        sw.Restart();
        for (int i = 0; i < files.Count; i++) RunProcess(djpeg, tinyJpeg);
        return (new Figures(raw, files.Count), sw.Elapsed.TotalSeconds);
    }

    private static void RunProcess(string exe, string file)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = false, UseShellExecute = false };
        psi.ArgumentList.Add("-outfile");
        psi.ArgumentList.Add("/dev/null");
        psi.ArgumentList.Add(file);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"djpeg failed on {file}");
    }
}
