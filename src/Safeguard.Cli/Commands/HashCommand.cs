using System.CommandLine;
using Safeguard.Cli.Output;
using Safeguard.Engine.Media;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Pipeline;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard hash PATH...</c>: PDQ and exact hashes of files, as CSV or JSON lines.</summary>
public static class HashCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Files or directories (recursive); '-' reads paths from standard input, one per line.",
            Arity = ArgumentArity.OneOrMore,
        };
        var options = new ImageHashingOptions();
        var signals = new Option<string>("--signals")
        {
            Description = "Signals to compute, comma-separated: pdq, md5, sha1, sha256.",
            DefaultValueFactory = _ => "pdq,md5,sha1,sha256",
        };
        var format = new Option<OutputFormat>("--format")
        {
            // No DefaultValueFactory: the default is the enum's first value, and help would print it as "Csv".
            Description = "Output format: csv (with a header row; the default) or jsonl.",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Worker threads (default: one per core).",
        };
        var videoSampling = new Option<VideoSampling>("--video-sampling")
        {
            Description = "How videos are sampled for vPDQ: reference (Meta's vPDQ, 1 frame per second; as match, scan and the service sample them with TMK, their default) or fast (as they sample them with --no-tmk). Default: reference.",
        };

        var command = new Command("hash", "Hash images: PDQ (bit-exact with Meta's reference) and MD5/SHA-1/SHA-256 of the bytes.")
        {
            paths, signals, format, threads, videoSampling,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            HashSignals chosen;
            try { chosen = HashSignalNames.Parse(parse.GetValue(signals)!); }
            catch (FormatException ex) { throw new UsageException($"--signals: {ex.Message}"); }
            var hashOptions = options.Read(parse) with { Signals = chosen };
            var video = parse.GetValue(videoSampling) == VideoSampling.Fast ? MediaHasher.FastVideo : VideoOptions;
            return ProgressReporter.Run(parse, "hash", "files", null,
                progress => Run(parse.GetValue(paths)!, hashOptions, parse.GetValue(format), parse.GetValue(threads), video, progress));
        });
        return command;
    }

    /// <summary>How 'hash' samples videos: vPDQ's default, one frame per second.</summary>
    public static Safeguard.Video.Vpdq.VpdqOptions VideoOptions { get; set; } = Safeguard.Video.Vpdq.VpdqOptions.Default;

    /// <summary>--video-sampling; the first value is the default.</summary>
    public enum VideoSampling { Reference, Fast }

    public static int Run(string[] paths, FileHashOptions options, OutputFormat format, int threads, Safeguard.Video.Vpdq.VpdqOptions? video = null,
        ProgressReporter? progress = null)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        using var writer = new HashResultWriter(stdout, format, options.Signals, options.Dihedral);
        writer.WriteHeader();
        int failed = 0;
        OrderedParallel.Run(
            InputWalker.Expand(paths),
            () => new MediaHasher(options) { RequireImage = true, VideoOptions = video ?? VideoOptions },
            (hasher, item) => (item, item.IsFile ? hasher.HashFile(item.Path, item.Path) : new FileHashResult { Path = item.Path, Error = item.Error }),
            done =>
            {
                var (item, result) = done;
                progress?.Advance();
                if (item.IsLink && item.Error is null)
                {
                    // A link to a file inside the inputs: that file is hashed at its own path.
                    stdout.Flush();
                    Console.Error.WriteLine($"safeguard: {item.Path}: {item.LinkNote}");
                }
                else if (result.Failed)
                {
                    failed++;
                    stdout.Flush();
                    Console.Error.WriteLine($"safeguard: {result.Path}: {result.Error}");
                }
                else
                {
                    writer.Write(result);
                }
            },
            threads,
            cost: item => item.IsFile ? FileHasher.EstimatedCost(item.Path) : 0);
        stdout.Flush();
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }
}

/// <summary>The image-hashing options shared by hash, match and scan.</summary>
public sealed class ImageHashingOptions
{
    public readonly Option<bool> Dihedral = new("--dihedral") { Description = "Also compute the 7 rotated and flipped PDQ hashes." };
    public readonly Option<bool> Unletterbox = new("--unletterbox") { Description = "Remove uniform black or white borders before hashing." };
    public readonly Option<bool> FullResolution = new("--full-resolution") { Description = "Hash the full-resolution decode instead of the reference's 512x512 resize (as the Python tooling does)." };
    public readonly Option<bool> ExifOrientation = new("--exif-orientation") { Description = "Apply the EXIF orientation tag before hashing (the reference ignores it)." };
    public readonly Option<bool> Fast = new("--fast")
    {
        Description = "Approximate: decode large JPEGs at reduced scale (much faster; hashes differ from the exact ones by a few bits).",
    };
    public readonly Option<long> MaxPixels = new("--max-pixels")
    {
        Description = "Refuse images whose header claims more pixels than this.",
        DefaultValueFactory = _ => DecodeOptions.Default.MaxPixels,
    };

    public void AddTo(Command command)
    {
        command.Add(Dihedral);
        command.Add(Unletterbox);
        command.Add(FullResolution);
        command.Add(ExifOrientation);
        command.Add(Fast);
        command.Add(MaxPixels);
    }

    public FileHashOptions Read(ParseResult parse)
    {
        long maxPixels = parse.GetValue(MaxPixels);
        if (maxPixels <= 0) throw new UsageException("--max-pixels must be positive");
        return new FileHashOptions
        {
            Dihedral = parse.GetValue(Dihedral),
            Unletterbox = parse.GetValue(Unletterbox),
            Sizing = parse.GetValue(FullResolution) ? PdqSizing.FullResolution : PdqSizing.Reference512,
            Decode = new DecodeOptions
            {
                MaxPixels = maxPixels,
                ApplyExifOrientation = parse.GetValue(ExifOrientation),
                ReducedScaleJpeg = parse.GetValue(Fast),
            },
        };
    }
}
