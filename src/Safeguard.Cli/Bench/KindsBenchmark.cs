using System.Globalization;
using Safeguard.Cli.Commands;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;

namespace Safeguard.Cli.Bench;

/// <summary>
/// <c>bench hash</c> on a corpus from <c>bench make-photos --kinds</c>: for each kind of JPEG and
/// the mixed folder, a single-threaded djpeg pass and <c>hash --signals pdq</c> on one thread
/// and on all cores, in the same rounds.
/// </summary>
public static class KindsBenchmark
{
    public static bool IsKindsCorpus(string dir) =>
        Directory.Exists(Path.Combine(dir, JpegKindCorpus.MixedFolder)) && !Directory.EnumerateFiles(dir, "*.jpg").Any();

    public static int Run(string dir, int rounds, string djpeg, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        var folders = JpegKindCorpus.Kinds.Select(k => (k.Name, k.Description))
            .Append((JpegKindCorpus.MixedFolder, "mixed, large last"))
            .Where(f => Directory.Exists(Path.Combine(dir, f.Item1))).ToList();
        int cores = Environment.ProcessorCount;
        o.WriteLine($"# safeguard bench hash {dir}");
        o.WriteLine($"machine: {cores} cores, {BenchCommand.CpuModel()}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average {LoadAverage()}");
        o.WriteLine($"best of {rounds} rounds; djpeg: one process per file, one after another, output to /dev/null;");
        o.WriteLine("CPU s: user + system seconds of the djpeg processes and of the 1-thread hash run (what the other load on a shared machine does not inflate)");
        o.WriteLine();
        o.WriteLine($"| kind | files | MP | djpeg 1 thread s | hash 1 thread s | hash {cores} threads s | {cores} threads / djpeg | speedup | CPU s: djpeg, hash | CPU ratio |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        string tiny = Path.Combine(Path.GetTempPath(), $"safeguard-bench-tiny-{Environment.ProcessId}.jpg");
        BenchCommand.WriteTinyJpeg(tiny);
        var options = new FileHashOptions { Signals = HashSignals.Pdq };
        bool allMet = true;
        try
        {
            foreach (var (name, description) in folders)
            {
                var files = Directory.GetFiles(Path.Combine(dir, name), "*.jpg").Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0) continue;
                double mp = files.Sum(f => { var (_, w, h) = ImageDecoder.Probe(File.ReadAllBytes(f)); return (double)w * h; }) / 1e6;
                var bench = new HashBenchmark(files);
                bench.RunPipeline(options); // warm-up: JIT, page cache
                double dj = double.MaxValue, one = double.MaxValue, all = double.MaxValue, djCpu = double.MaxValue, cpu = double.MaxValue;
                for (int r = 0; r < rounds; r++)
                {
                    double c0 = ChildrenCpuSeconds();
                    if (bench.RunDjpeg(djpeg, tiny, startup: false) is { } d) dj = Math.Min(dj, d.Raw.Seconds);
                    djCpu = Math.Min(djCpu, ChildrenCpuSeconds() - c0);
                    var p0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                    one = Math.Min(one, bench.RunPipeline(options, threads: 1).Seconds);
                    cpu = Math.Min(cpu, (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - p0).TotalSeconds);
                    all = Math.Min(all, bench.RunPipeline(options, threads: cores).Seconds);
                }
                string ratio = dj == double.MaxValue ? "-" : (all / dj).ToString("F2", inv);
                if (dj != double.MaxValue && all / dj > 0.6) allMet = false;
                string djs = dj == double.MaxValue ? "djpeg not found" : dj.ToString("F2", inv);
                o.WriteLine(string.Create(inv, $"| {name} ({description}) | {files.Count} | {mp:F1} | {djs} | {one:F2} | {all:F2} | {ratio} | {one / all:F2}x | {djCpu:F2}, {cpu:F2} | {cpu / djCpu:F2} |"));
            }
        }
        finally
        {
            File.Delete(tiny);
        }
        o.WriteLine();
        o.WriteLine(allMet ? "every kind at most 0.60 of djpeg's time" : "some kind above 0.60 of djpeg's time");
        o.WriteLine($"load average after: {LoadAverage()}");
        return ExitCodes.Ok;
    }

    /// <summary>User + system CPU seconds of the finished child processes (the djpeg runs): load on other cores does not inflate it.</summary>
    private static double ChildrenCpuSeconds()
    {
        var usage = new long[18];
        return Getrusage(-1 /* RUSAGE_CHILDREN */, usage) == 0 ? usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6 : double.NaN;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int Getrusage(int who, long[] usage);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
