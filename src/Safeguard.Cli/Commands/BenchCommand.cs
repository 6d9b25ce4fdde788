using System.CommandLine;
using System.Globalization;
using Safeguard.Cli.Bench;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using SkiaSharp;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard bench ...</c>: the benchmarks behind docs/BENCHMARKS.md.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure Safeguard's speed against reference tools and naive approaches.");
        bench.Add(CreateHash());
        bench.Add(CreateMakePhotos());
        bench.Add(BenchMatchCommand.Create());
        bench.Add(BenchMakeBankCommand.Create());
        bench.Add(BenchExchangeCommand.Create());
        bench.Add(BenchCrawlCommand.Create());
        bench.Add(BenchScanCommand.Create());
        bench.Add(BenchTmkIndexCommand.Create());
        bench.Add(Video.BenchVideoCommand.Create());
        bench.Add(Video.BenchTmkHashCommand.Create());
        return bench;
    }

    private static Command CreateHash()
    {
        var dir = new Argument<string>("DIR") { Description = "A folder of images (e.g. from 'safeguard bench make-photos')." };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds; the best is reported.", DefaultValueFactory = _ => 3 };
        var djpeg = new Option<string>("--djpeg") { Description = "libjpeg-turbo's djpeg, the decode baseline.", DefaultValueFactory = _ => "/usr/bin/djpeg" };
        var command = new Command("hash", "Images/second of 'safeguard hash' and time per stage, against djpeg decoding the same files. "
            + "On a folder from 'bench make-photos --kinds': one row per kind of JPEG and the mixed folder.")
        {
            dir, rounds, djpeg,
        };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(dir)!;
            int r = Math.Max(1, parse.GetValue(rounds));
            return KindsBenchmark.IsKindsCorpus(folder)
                ? KindsBenchmark.Run(folder, r, parse.GetValue(djpeg)!, Console.Out)
                : RunHash(folder, r, parse.GetValue(djpeg)!);
        });
        return command;
    }

    private static int RunHash(string dir, int rounds, string djpeg)
    {
        if (!Directory.Exists(dir)) throw new UsageException($"{dir}: no such directory");
        var files = InputWalker.Expand([dir]).Where(i => i.IsFile).Select(i => i.Path).ToList();
        if (files.Count == 0) throw new UsageException($"{dir}: no files");
        var o = Console.Out;
        var inv = CultureInfo.InvariantCulture;
        long bytes = files.Sum(f => new FileInfo(f).Length);
        var dims = files.Take(5).Select(f => ImageDecoder.Probe(File.ReadAllBytes(f))).ToList();
        o.WriteLine($"# safeguard bench hash {dir}");
        o.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        o.WriteLine($"files: {files.Count}, {bytes / 1e6:F1} MB, e.g. {string.Join(", ", dims.Select(d => $"{d.Width}x{d.Height}"))}");
        o.WriteLine();

        // One round of everything at a time, best of the rounds for each: on a shared machine
        // the load drifts, and interleaving keeps each comparison inside the same window.
        var bench = new HashBenchmark(files);
        var pdqOnly = new FileHashOptions { Signals = HashSignals.Pdq };
        var all = new FileHashOptions();
        var fast = pdqOnly with { Decode = new DecodeOptions { ReducedScaleJpeg = true } };
        bench.RunPipeline(pdqOnly); // warm-up: JIT, page cache

        string tiny = Path.Combine(Path.GetTempPath(), $"safeguard-bench-tiny-{Environment.ProcessId}.jpg");
        WriteTinyJpeg(tiny);
        (HashBenchmark.Figures Raw, double StartupSeconds)? dj = null;
        HashBenchmark.Figures? ours1 = null, oursPdq = null, oursAll = null, oursFast = null;
        static HashBenchmark.Figures Best(HashBenchmark.Figures? a, HashBenchmark.Figures b) => a is null || b.Seconds < a.Seconds ? b : a;
        for (int r = 0; r < rounds; r++)
        {
            if (bench.RunDjpeg(djpeg, tiny) is { } round && (dj is null || round.Raw.Seconds < dj.Value.Raw.Seconds)) dj = round;
            ours1 = Best(ours1, bench.RunPipeline(pdqOnly, threads: 1));
            oursPdq = Best(oursPdq, bench.RunPipeline(pdqOnly));
            oursAll = Best(oursAll, bench.RunPipeline(all));
            oursFast = Best(oursFast, bench.RunPipeline(fast));
        }
        File.Delete(tiny);

        o.WriteLine("| run | seconds | images/s | time / djpeg time |");
        o.WriteLine("|---|---:|---:|---:|");
        double? djTime = null;
        if (dj is { } d)
        {
            djTime = d.Raw.Seconds;
            double net = d.Raw.Seconds - d.StartupSeconds;
            o.WriteLine(string.Create(inv, $"| djpeg, decode only, 1 thread (one process per file) | {d.Raw.Seconds:F2} | {d.Raw.ImagesPerSecond:F1} | 1.00 |"));
            o.WriteLine(string.Create(inv, $"| djpeg less process start-up ({d.StartupSeconds / files.Count * 1000:F1} ms/file) | {net:F2} | {files.Count / net:F1} | {net / d.Raw.Seconds:F2} |"));
        }
        else
        {
            o.WriteLine($"| djpeg not found at {djpeg} (install libjpeg-turbo-progs) | | | |");
        }
        void Row(string name, HashBenchmark.Figures f) =>
            o.WriteLine(string.Create(inv, $"| {name} | {f.Seconds:F2} | {f.ImagesPerSecond:F1} | {(djTime is { } t ? (f.Seconds / t).ToString("F2", inv) : "-")} |"));
        Row("safeguard hash --signals pdq, 1 thread", ours1!);
        Row($"safeguard hash --signals pdq, {Environment.ProcessorCount} threads", oursPdq!);
        Row($"safeguard hash (pdq+md5+sha1+sha256), {Environment.ProcessorCount} threads", oursAll!);
        Row($"safeguard hash --signals pdq --fast (approximate), {Environment.ProcessorCount} threads", oursFast!);
        if (dj is { } d2)
        {
            double net = d2.Raw.Seconds - d2.StartupSeconds;
            o.WriteLine();
            o.WriteLine(string.Create(inv, $"safeguard hash --signals pdq takes {oursPdq!.Seconds / d2.Raw.Seconds:F2} of djpeg's time ({oursPdq.Seconds / net:F2} of djpeg's time less start-up); target <= 0.60."));
        }

        o.WriteLine();
        o.WriteLine("--fast against the exact hash (Hamming distance):");
        o.WriteLine();
        o.WriteLine("| images | n | mean | median | max | share <= 10 |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|");
        void DistanceRow(string name, IEnumerable<string> set)
        {
            var d = HashBenchmark.Distances(set, pdqOnly, fast).Order().ToList();
            if (d.Count == 0) return;
            o.WriteLine(string.Create(inv, $"| {name} | {d.Count} | {d.Average():F2} | {d[d.Count / 2]} | {d[^1]} | {d.Count(x => x <= 10) * 100.0 / d.Count:F0}% |"));
        }
        DistanceRow(dir, files);
        if (TestDataPdq() is { } reference)
            DistanceRow("reference test set (JPEGs)", Directory.EnumerateFiles(reference, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal));

        o.WriteLine();
        o.WriteLine("Stages, one thread, ms per image:");
        o.WriteLine();
        o.WriteLine("| stage | ms/image |");
        o.WriteLine("|---|---:|");
        foreach (var (stage, ms) in bench.StageBreakdown(all))
            o.WriteLine(string.Create(inv, $"| {stage} | {ms:F2} |"));
        return ExitCodes.Ok;
    }

    internal static void WriteTinyJpeg(string path)
    {
        using var bmp = new SKBitmap(8, 8);
        using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, 90);
        using var fs = File.Create(path);
        data.SaveTo(fs);
    }

    private static Command CreateMakePhotos()
    {
        var outDir = new Argument<string>("OUT") { Description = "Folder to write the photos into." };
        var from = new Option<string[]>("--from")
        {
            Description = "Source photos (default: the large photos of the reference test set).",
            AllowMultipleArgumentsPerToken = true,
        };
        var count = new Option<int>("--count") { Description = "How many photos to write.", DefaultValueFactory = _ => 40 };
        var quality = new Option<int>("--quality") { Description = "JPEG quality.", DefaultValueFactory = _ => 90 };
        var kinds = new Option<bool>("--kinds")
        {
            Description = "Write one folder per kind of JPEG (420, 422, 444, grey, progressive, arithmetic, cmyk, large) "
                + "and a mixed folder with the large ones last, encoded by cjpeg; --count photos per kind.",
        };
        var large = new Option<int>("--large") { Description = "With --kinds: how many 24 MP photos (0: none).", DefaultValueFactory = _ => 4 };
        var cjpeg = new Option<string>("--cjpeg") { Description = "With --kinds: libjpeg-turbo's cjpeg.", DefaultValueFactory = _ => "/usr/bin/cjpeg" };
        var command = new Command("make-photos", $"Write full-size JPEG photos ({PhotoSetMaker.TargetWidth}x{PhotoSetMaker.TargetHeight}, about 2.6 MP) for 'bench hash'.")
        {
            outDir, from, count, quality, kinds, large, cjpeg,
        };
        command.SetAction(parse =>
        {
            var sources = parse.GetValue(from) is { Length: > 0 } given ? given : DefaultSources();
            if (parse.GetValue(kinds))
            {
                var made = JpegKindCorpus.Make(sources, parse.GetValue(outDir)!, Math.Max(1, parse.GetValue(count)), Math.Max(0, parse.GetValue(large)),
                    parse.GetValue(quality), parse.GetValue(cjpeg)!);
                foreach (var (kind, n) in made) Console.WriteLine($"{kind}: {n} photos");
                Console.WriteLine($"wrote {parse.GetValue(outDir)}");
                return ExitCodes.Ok;
            }
            var written = PhotoSetMaker.Make(sources, parse.GetValue(outDir)!, Math.Max(1, parse.GetValue(count)), parse.GetValue(quality));
            Console.WriteLine($"wrote {written.Count} photos to {parse.GetValue(outDir)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? TestDataPdq()
    {
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
            foreach (var c in new[] { Path.Combine(d.FullName, "shared", "testdata", "pdq"), Path.Combine(d.FullName, "..", "shared", "testdata", "pdq") })
                if (Directory.Exists(c)) return Path.GetFullPath(c);
        return null;
    }

    private static string[] DefaultSources()
    {
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", "testdata", "pdq", "reg-test-input", "exif-rotn");
            if (!Directory.Exists(candidate)) candidate = Path.Combine(d.FullName, "..", "shared", "testdata", "pdq", "reg-test-input", "exif-rotn");
            if (Directory.Exists(candidate)) return Directory.GetFiles(candidate, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        }
        throw new UsageException("the reference test photos were not found; give source photos with --from");
    }

    internal static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException) { return "unknown CPU"; }
    }
}
