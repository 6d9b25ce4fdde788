using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Matching;
using Safeguard.Video;
using Safeguard.Video.Ffmpeg;
using Safeguard.Video.Streams;
using Safeguard.Video.Vpdq;

namespace Safeguard.Cli.Commands.Video;

/// <summary>
/// <c>safeguard bench video FILE</c>: vPDQ speed as a multiple of real time (wall clock and CPU),
/// against FFmpeg decoding alone in the same run, and the one-core cost of the watch pipeline.
/// </summary>
public static class BenchVideoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A video, e.g. 60 s of 1080p (docs/video.md shows the ffmpeg command that makes one)." };
        var command = new Command("video", "x-real-time of 1 fps vPDQ (exact and --fast), every-frame vPDQ, FFmpeg decoding alone, and the watch pipeline on one core.") { file };
        command.SetAction(p => Run(p.GetValue(file)!));
        return command;
    }

    private static int Run(string file)
    {
        if (!File.Exists(file)) throw new UsageException($"{file}: no such file");
        var inv = CultureInfo.InvariantCulture;
        var o = Console.Out;
        var probe = VpdqHasher.HashFile(file, new VpdqOptions { IntervalSeconds = 10 });
        if (probe.Failed) { Console.Error.WriteLine($"safeguard: {file}: {probe.Error}"); return ExitCodes.SomeFailed; }
        var info = probe.Info!;
        double load = ReadLoad();
        o.WriteLine($"# safeguard bench video {file}");
        o.WriteLine(string.Create(inv, $"video: {info.Width}x{info.Height} {info.Codec}, {info.FrameRate:0.##} fps, {info.DurationSeconds:0.0} s; machine: {Environment.ProcessorCount} cores, load average {load:0.0} at start; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        o.WriteLine();
        o.WriteLine("x real time = video duration / time taken. CPU = seconds of CPU used by safeguard and FFmpeg together;");
        o.WriteLine("duration / (CPU / cores) is what an otherwise idle machine would reach.");
        o.WriteLine();
        o.WriteLine("| run | wall s | x real time (wall) | CPU s | x real time (CPU / cores) | frames hashed |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|");
        void Row(string name, Func<string> action)
        {
            double cpu0 = CpuTime.Seconds();
            var sw = Stopwatch.StartNew();
            string frames = action();
            double s = sw.Elapsed.TotalSeconds, cpu = CpuTime.Seconds() - cpu0;
            double idle = info.DurationSeconds / (cpu / Environment.ProcessorCount);
            o.WriteLine(string.Create(inv, $"| {name} | {s:F2} | {info.DurationSeconds / s:F1} | {cpu:F2} | {idle:F1} | {frames} |"));
        }
        string Hash(VpdqOptions options)
        {
            var r = VpdqHasher.HashFile(file, options);
            return r.Failed ? r.Error! : r.Frames.Count.ToString(inv);
        }
        Row("FFmpeg decode only, every frame (baseline)", () => Decode(file, []));
        Row("FFmpeg decode only, -skip_frame noref (baseline)", () => Decode(file, ["-skip_frame", "noref"]));
        Row("vPDQ 1 fps, exact vPDQ frames", () => Hash(new VpdqOptions { ComputeMd5 = false }));
        Row("vPDQ 1 fps --fast", () => Hash(new VpdqOptions { ComputeMd5 = false, Fast = true }));
        Row("vPDQ 1 fps --fast + MD5 of the file", () => Hash(new VpdqOptions { Fast = true }));
        Row("watch pipeline: 1 decoder thread, 2 fps + scene changes, not real-time paced", () =>
        {
            var watcher = new StreamWatcher(file, PdqIndex.Build([], []), new WatchOptions { DecoderThreads = 1, Reconnect = false }, _ => { });
            watcher.Run(CancellationToken.None);
            return watcher.FramesHashed.ToString(inv);
        });
        Row("vPDQ every frame", () => Hash(new VpdqOptions { ComputeMd5 = false, EveryFrame = true }));
        o.WriteLine();
        o.WriteLine("The watch row keeps up with a live stream on one core when its CPU seconds are below the video's duration.");
        return ExitCodes.Ok;
    }

    /// <summary>FFmpeg decoding to nothing: the floor under any FFmpeg-based hasher.</summary>
    private static string Decode(string file, string[] inputArgs)
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-nostdin" };
        args.AddRange(inputArgs);
        args.AddRange(["-i", file, "-map", "0:v:0", "-f", "null", "-"]);
        using var p = FfmpegProcess.Start(FfmpegTools.Ffmpeg, args);
        p.StdoutStream.CopyTo(Stream.Null);
        p.WaitForExit(TimeSpan.FromMinutes(10));
        return "-";
    }

    private static double ReadLoad()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException) { return double.NaN; }
    }
}
