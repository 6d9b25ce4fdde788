using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Video.Vpdq;

namespace Safeguard.Cli.Commands.Video;

/// <summary><c>safeguard bench video FILE</c>: vPDQ speed as a multiple of real time, against FFmpeg decoding alone.</summary>
public static class BenchVideoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A video, e.g. 60 s of 1080p (see docs/video.md for the ffmpeg command that makes one)." };
        var command = new Command("video", "x-real-time of 1 fps vPDQ (exact and --fast) and of every-frame decoding, on one video.") { file };
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
        o.WriteLine($"# safeguard bench video {file}");
        o.WriteLine(string.Create(inv, $"video: {info.Width}x{info.Height} {info.Codec}, {info.FrameRate:0.##} fps, {info.DurationSeconds:0.0} s; machine: {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        o.WriteLine();
        o.WriteLine("| run | seconds | frames hashed | x real time |");
        o.WriteLine("|---|---:|---:|---:|");
        void Row(string name, VpdqOptions options)
        {
            var sw = Stopwatch.StartNew();
            var r = VpdqHasher.HashFile(file, options);
            double s = sw.Elapsed.TotalSeconds;
            o.WriteLine(string.Create(inv, $"| {name} | {s:F2} | {(r.Failed ? r.Error : r.Frames.Count.ToString(inv))} | {info.DurationSeconds / s:F1} |"));
        }
        Row("vPDQ 1 fps, exact vPDQ frames (decodes every frame)", new VpdqOptions { ComputeMd5 = false });
        Row("vPDQ 1 fps --fast (skips non-reference frames)", new VpdqOptions { ComputeMd5 = false, Fast = true });
        Row("vPDQ 1 fps --fast + MD5 of the file", new VpdqOptions { Fast = true });
        Row("vPDQ every frame", new VpdqOptions { ComputeMd5 = false, EveryFrame = true });
        return ExitCodes.Ok;
    }
}
