using Safeguard.Csv;
using System.CommandLine;
using System.Text.Json;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Signals;
using Safeguard.Banks.Formats;
using Safeguard.Banks.Storage;
using Safeguard.Hashing.Files;
using Safeguard.Video.Vpdq;
using Safeguard.Cli.Output;

namespace Safeguard.Cli.Commands.Video;

/// <summary><c>safeguard video hash|match</c>: vPDQ of video files and matching them against banks.</summary>
public static class VideoCommand
{
    /// <summary>--format of video hash; the first value is the default.</summary>
    public enum VideoHashFormat { Rows, Csv, Jsonl }

    public sealed class SamplingOptions
    {
        public readonly Option<bool> EveryFrame = new("--every-frame") { Description = "Hash every frame (default: one frame per --interval)." };
        public readonly Option<double> Interval = new("--interval") { Description = "Seconds between hashed frames (vPDQ's secondsPerHash).", DefaultValueFactory = _ => 1.0 };
        public readonly Option<bool> Fast = new("--fast") { Description = "Skip decoding non-reference frames; a sample may land a frame or two after vPDQ's (about 2x faster)." };
        public readonly Option<bool> Unletterbox = new("--unletterbox") { Description = "Crop uniform black/white borders of each frame before hashing." };
        public readonly Option<long> MaxPixels = new("--max-pixels") { Description = "Refuse videos whose frames have more pixels than this.", DefaultValueFactory = _ => Safeguard.Video.Ffmpeg.VideoProbe.DefaultMaxPixels };
        public readonly Option<double> Timeout = new("--stall-timeout") { Description = "Seconds without decoded data before a video is abandoned.", DefaultValueFactory = _ => 60 };

        public readonly Option<string> SwsFlags = new("--sws-flags") { Description = "swscale flags of the YUV-to-RGB conversion (default area+accurate_rnd: closest to Meta's sample hashes; vPDQ's own code asks for area).", DefaultValueFactory = _ => "area+accurate_rnd" };

        public void AddTo(Command c) { c.Add(EveryFrame); c.Add(Interval); c.Add(Fast); c.Add(Unletterbox); c.Add(MaxPixels); c.Add(Timeout); c.Add(SwsFlags); }

        public VpdqOptions Read(ParseResult p)
        {
            double interval = p.GetValue(Interval);
            if (!(interval > 0) || interval > 3600) throw new UsageException("--interval must be in (0, 3600] seconds");
            if (p.GetValue(MaxPixels) <= 0) throw new UsageException("--max-pixels must be positive");
            return new VpdqOptions
            {
                EveryFrame = p.GetValue(EveryFrame), IntervalSeconds = interval, Fast = p.GetValue(Fast),
                Unletterbox = p.GetValue(Unletterbox), MaxPixels = p.GetValue(MaxPixels),
                StallTimeout = TimeSpan.FromSeconds(Math.Max(1, p.GetValue(Timeout))),
                SwsFlags = System.Text.RegularExpressions.Regex.IsMatch(p.GetValue(SwsFlags) ?? "", "^[a-z_+]+$")
                    ? p.GetValue(SwsFlags)! : throw new UsageException("--sws-flags: letters, '_' and '+' only (e.g. area, bicubic+accurate_rnd)"),
            };
        }
    }

    public static Command Create()
    {
        var video = new Command("video", "Video hashing (vPDQ, TMK+PDQF, MD5 of the file), video matching and TMK comparison.");
        video.Add(CreateHash());
        video.Add(CreateMatch());
        video.Add(VideoTmkCommand.Create());
        video.Add(VideoCompareCommand.Create());
        return video;
    }

    private static Command CreateHash()
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Video files or directories." };
        var sampling = new SamplingOptions();
        var format = new Option<VideoHashFormat>("--format")
        {
            Description = "rows: vPDQ's frame,quality,pdq,timestamp lines, no header row, as Meta's vPDQ files (a '# FILE' line before each video; vpdq only); csv: content_id and one column per signal (importable with 'bank import'); jsonl. Default: rows.",
        };
        var signals = new Option<string>("--signals")
        {
            Description = "Signals to compute from one decode, comma-separated: vpdq, tmk (TMK+PDQF, base64 .tmk), video_md5.",
            DefaultValueFactory = _ => VideoSignalSet.Default.ToString(),
        };
        var command = new Command("hash", "vPDQ of videos (PDQ of frames sampled every --interval seconds at native resolution), TMK+PDQF and the file's MD5.") { files, format, signals };
        sampling.AddTo(command);
        command.SetAction(p =>
        {
            var chosen = VideoSignalSet.Parse(p.GetValue(signals)!);
            var fmt = p.GetValue(format);
            if (fmt == VideoHashFormat.Rows && (!chosen.Vpdq || chosen.Tmk))
                throw new UsageException("--format rows prints vPDQ frames only; use --format csv or jsonl for tmk and video_md5");
            var options = sampling.Read(p) with { Vpdq = chosen.Vpdq || !chosen.Tmk, Tmk = chosen.Tmk, ComputeMd5 = chosen.VideoMd5 };
            var items = InputWalker.Expand(p.GetValue(files)!).ToList();
            return ProgressReporter.Run(p, "video hash", "videos", items.Count, progress => RunHash(p.GetValue(files)!, items, options, fmt, chosen, progress));
        });
        return command;
    }

    private static int RunHash(string[] inputs, List<InputItem> items, VpdqOptions options, VideoHashFormat format, VideoSignalSet signals, ProgressReporter progress)
    {
        var o = Console.Out;
        int failed = 0;
        if (format == VideoHashFormat.Csv) o.WriteLine("content_id," + string.Join(',', signals.Names));
        foreach (var item in items)
        {
            progress.Current = item.Path;
            try
            {
                if (HashOrReport(item, options, ref failed) is not { } r) continue;
                switch (format)
                {
                    case VideoHashFormat.Rows:
                        if (inputs.Length > 1 || Directory.Exists(inputs[0])) o.WriteLine($"# {item.Path}");
                        foreach (var f in r.Frames) o.WriteLine(VpdqText.FormatRow(f));
                        break;
                    case VideoHashFormat.Csv:
                        var fields = new List<string> { CsvField.Escape(item.Path) };
                        if (signals.VideoMd5) fields.Add(FileHashResult.Hex(r.Md5));
                        if (signals.Vpdq) fields.Add($"\"{SignalTypes.Vpdq.Format(r.Frames)}\"");
                        if (signals.Tmk) fields.Add(SignalTypes.Tmk.Format(r.Tmk!));
                        o.WriteLine(string.Join(',', fields));
                        break;
                    default:
                        var json = new Dictionary<string, object?> { ["path"] = item.Path };
                        if (signals.VideoMd5) json["video_md5"] = FileHashResult.Hex(r.Md5);
                        json["size"] = r.Size;
                        json["width"] = r.Info!.Width;
                        json["height"] = r.Info.Height;
                        json["fps"] = r.Info.FrameRate;
                        json["duration"] = r.Info.DurationSeconds;
                        if (signals.Vpdq) { json["frames"] = r.Frames.Count; json["vpdq"] = SignalTypes.Vpdq.Format(r.Frames); }
                        if (signals.Tmk) { json["tmk_frames"] = r.Tmk!.FrameFeatureCount; json["tmk"] = SignalTypes.Tmk.Format(r.Tmk); }
                        o.WriteLine(JsonSerializer.Serialize(json));
                        break;
                }
            }
            finally { progress.Advance(); }
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    private static Command CreateMatch()
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Video files or directories." };
        var banks = new Option<string[]>("--bank") { Description = "Banks to match against (default: all).", AllowMultipleArgumentsPerToken = true };
        var queryPct = new Option<double>("--query-percent") { Description = "Share of the query's distinct frames that must match (vPDQ rule).", DefaultValueFactory = _ => SignalTypes.Vpdq.DefaultQueryMatchPercent };
        var comparedPct = new Option<double>("--compared-percent") { Description = "Share of the banked video's distinct frames that must match.", DefaultValueFactory = _ => SignalTypes.Vpdq.DefaultComparedMatchPercent };
        var threshold = new Option<int>("--threshold") { Description = $"PDQ distance at which two frames match (0..{SignalTypes.Pdq.MaxThreshold}).", DefaultValueFactory = _ => SignalTypes.Pdq.DefaultThreshold };
        var sampling = new SamplingOptions();
        var command = new Command("match", "Match videos against banks: video_md5 exact hits, the vPDQ video rule, and frames matching PDQ entries (with timestamps). One JSON line per video.")
        {
            files, banks, queryPct, comparedPct, threshold,
        };
        sampling.AddTo(command);
        command.SetAction(p =>
        {
            var policy = new MatchPolicy
            {
                Threshold = p.GetValue(threshold), VideoQueryPercent = p.GetValue(queryPct), VideoComparedPercent = p.GetValue(comparedPct),
            };
            if (policy.Validate() is { } problem) throw new UsageException(problem);
            var options = sampling.Read(p);
            return BankCommandSupport.Run(p, async store =>
            {
                var index = await BankIndex.LoadAsync(store, p.GetValue(banks));
                var items = InputWalker.Expand(p.GetValue(files)!).ToList();
                return ProgressReporter.Run(p, "video match", "videos", items.Count, progress => RunMatch(items, new Matcher(index, policy), options, progress));
            });
        });
        return command;
    }

    /// <summary>The video's vPDQ, or null with the reason on standard error (a link is noted, not counted as failed).</summary>
    private static VideoHashResult? HashOrReport(InputItem item, VpdqOptions options, ref int failed)
    {
        // Links are noted and left (not failures); they are never opened.
        if (item.Error is null && item.IsLink) { Console.Error.WriteLine($"safeguard: {item.Path}: {item.LinkNote}"); return null; }
        string? problem = item.Error ?? StillImageCheck.NotVideo(item.Path);
        if (problem is null)
        {
            var r = VpdqHasher.HashFile(item.Path, options);
            if (!r.Failed) return r;
            problem = r.Error;
        }
        failed++;
        Console.Error.WriteLine($"safeguard: {item.Path}: {problem}");
        return null;
    }

    private static int RunMatch(List<InputItem> items, Matcher matcher, VpdqOptions options, ProgressReporter progress)
    {
        int failed = 0;
        foreach (var item in items)
        {
            progress.Current = item.Path;
            try
            {
                if (HashOrReport(item, options, ref failed) is not { } r) continue;
                Console.Out.WriteLine(JsonSerializer.Serialize(Describe(r, matcher)));
            }
            finally { progress.Advance(); }
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    /// <summary>The match report of one hashed video: exact MD5 hits, banked videos by the vPDQ rule, PDQ entries its frames match.</summary>
    public static object Describe(VideoHashResult r, Matcher matcher)
    {
        var media = new FileHashResult { Path = r.Path, Md5 = r.Md5, IsVideo = true, VideoFrames = r.Frames };
        var matches = matcher.Match(media, out _);
        var exact = matches.Where(m => m.Signal.Kind == SignalKind.Exact).Select(m => Entry(m.Entry)).ToList();
        var videos = matches.Where(m => m.Signal == SignalTypes.Vpdq)
            .Select(m => new { entry = Entry(m.Entry), query_percent = Math.Round(m.QueryMatchPercent ?? 0, 1), compared_percent = Math.Round(m.ComparedMatchPercent ?? 0, 1) })
            .ToList();
        var frames = matches.Where(m => m.Signal == SignalTypes.Pdq)
            .Select(m => new { entry = Entry(m.Entry), timestamps = m.FrameTimes!.Select(t => Math.Round(t, 3)).ToList(), best_distance = m.Distance })
            .ToList();
        return new
        {
            path = r.Path, video_md5 = FileHashResult.Hex(r.Md5), frames = r.Frames.Count,
            matched = exact.Count > 0 || videos.Count > 0 || frames.Count > 0,
            exact, videos, frame_matches = frames,
        };
    }

    public static object Entry(MatchedEntry e) =>
        new { bank = e.Bank, signal_type = e.Type.Name, content_id = e.ContentId, category = e.Category, grade = e.Grade };
}
