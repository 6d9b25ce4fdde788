using Safeguard.Csv;
using System.CommandLine;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Cli.Output;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Media;
using Safeguard.Engine.Scanning;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pipeline;
using Safeguard.Signals;
using Safeguard.Signals.Exact;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard match PATH|HASH... [--bank NAME...]</c>: files or hashes against the banks.</summary>
public static class MatchCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("PATH|HASH")
        {
            Description = "Files or directories to hash (recursive; '-' reads paths from stdin), or hashes: 64 hex digits = pdq, 32 = md5, 40 = sha1, or TYPE:HEX (e.g. sha256:...).",
            Arity = ArgumentArity.OneOrMore,
        };
        var banks = new Option<string[]>("--bank") { Description = "Bank(s) to match against (repeat the option); default: all banks.", AllowMultipleArgumentsPerToken = true };
        var rules = new MatchPolicyOptions();
        var format = new Option<OutputFormat>("--format") { Description = "Output format: csv (with a header row; the default) or jsonl." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: one per core)." };
        var options = new ImageHashingOptions();
        var command = new Command("match", "Match files (hashed like 'hash') or given hashes against hash banks; one output row per match.")
        {
            inputs, banks,
        };
        rules.AddTo(command);
        command.Add(format);
        command.Add(threads);
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var policy = rules.Read(parse, parse.GetValue(options.Dihedral));
            var hashOptions = options.Read(parse);
            var queries = Classify(parse.GetValue(inputs)!);
            return BankCommandSupport.Run(parse, async store =>
            {
                var index = await BankIndex.LoadAsync(store, parse.GetValue(banks));
                return ProgressReporter.Run(parse, "match", "inputs", null,
                    progress => Run(new Matcher(index, policy), queries, hashOptions, parse.GetValue(format), parse.GetValue(threads), rules.VideoOptions(parse), progress));
            });
        });
        return command;
    }

    /// <summary>A command-line input: a hash to match as given, or a path to hash.</summary>
    /// <param name="Named">The file was named on the command line (not found in a folder or read from '-').</param>
    public sealed record Query(string? Path, SignalType? Type, string? Value, string? Error = null, string? Note = null, bool Named = false);

    /// <summary>
    /// An existing file or directory (or '-') is a path. Otherwise TYPE:HEX or "TYPE HEX" is a hash
    /// of that type, and bare hex is typed by length (32 md5, 40 sha1, 64 pdq; sha256 needs the
    /// prefix). Anything else is a path (reported as missing).
    /// </summary>
    public static List<Query> Classify(IEnumerable<string> args)
    {
        var list = new List<Query>();
        foreach (var arg in args)
        {
            if (arg == "-" || File.Exists(arg) || Directory.Exists(arg)) { list.Add(new Query(arg, null, null)); continue; }
            int sep = arg.IndexOfAny([':', ' ']);
            if (sep > 0 && SignalTypes.TryGet(arg[..sep], out var typed))
            {
                var v = typed.TryNormalize(arg.AsSpan(sep + 1), out var error)
                    ?? throw new UsageException($"'{arg}': {error}");
                list.Add(new Query(null, typed, v));
                continue;
            }
            if (arg.Length is 32 or 40 or 64 && IsHex(arg))
            {
                var t = SignalTypes.InferFromLength(arg.Length)!;
                list.Add(new Query(null, t, arg.ToLowerInvariant()));
                continue;
            }
            list.Add(new Query(arg, null, null));
        }
        return list;
    }

    private static bool IsHex(string s)
    {
        foreach (var c in s) if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    private sealed record Outcome(string Path, FileHashResult? File, Query? Hash, List<Match> Matches, bool LowQuality, string? Note = null)
    {
        public bool Named { get; init; }
    }

    /// <summary>Said of a file named on the command line that is neither image nor video.</summary>
    public const string NotMediaNote = "not an image or video: no PDQ computed (only its exact hashes were matched)";

    public static int Run(Matcher matcher, List<Query> queries, FileHashOptions options, OutputFormat format, int threads,
        Safeguard.Video.Vpdq.VpdqOptions? video = null, ProgressReporter? progress = null)
    {
        video ??= MediaHasher.MatchVideo;
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16);
        if (format == OutputFormat.Csv) stdout.Write("path,query,signal_type,bank,content_id,category,grade,distance,dihedral,frame_seconds,tmk_level1,tmk_level2\n");
        int failed = 0, notMedia = 0;
        OrderedParallel.Run(
            Expand(queries),
            () => new MediaHasher(options) { VideoOptions = video },
            (hasher, q) =>
            {
                if (q.Type is not null) return new Outcome("", null, q, matcher.MatchValue(q.Type, q.Value!), false);
                if (q.Error is not null) return new Outcome(q.Path!, new FileHashResult { Path = q.Path!, Error = q.Error }, null, [], false);
                if (q.Note is not null) return new Outcome(q.Path!, null, null, [], false, q.Note);
                var r = hasher.HashFile(q.Path!, q.Path!);
                var matches = matcher.Match(r, out bool lowQuality);
                return new Outcome(q.Path!, r, null, matches, lowQuality) { Named = q.Named };
            },
            o =>
            {
                progress?.Advance();
                if (o.File?.Error is { } error)
                {
                    failed++;
                    stdout.Flush();
                    Console.Error.WriteLine($"safeguard: {o.Path}: {error}");
                }
                if (o.Note is not null)
                {
                    stdout.Flush();
                    Console.Error.WriteLine($"safeguard: {o.Path}: {o.Note}");
                }
                if (o.LowQuality)
                {
                    stdout.Flush();
                    Console.Error.WriteLine($"safeguard: {o.Path}: PDQ quality {o.File!.Pdq!.Value.Quality} is below --min-quality {matcher.Policy.MinQuality}; PDQ skipped (exact hashes still matched)");
                }
                if (o.File is { Failed: false, Pdq: null, IsVideo: false })
                {
                    // Neither image nor video: only its exact hashes could match. Named on the command
                    // line that is surely a mistake (an error); found in a folder it is counted.
                    if (o.Named)
                    {
                        failed++;
                        stdout.Flush();
                        Console.Error.WriteLine($"safeguard: {o.Path}: {NotMediaNote}");
                    }
                    else notMedia++;
                }
                foreach (var m in o.Matches) Write(stdout, format, o, m);
            },
            threads);
        stdout.Flush();
        if (notMedia > 0)
            Console.Error.WriteLine($"safeguard: no PDQ computed for {notMedia:N0} file{(notMedia == 1 ? "" : "s")} (not images or videos); matched by exact hashes only");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    private static IEnumerable<Query> Expand(List<Query> queries)
    {
        foreach (var q in queries)
        {
            if (q.Path is null) { yield return q; continue; }
            bool named = q.Path != "-" && File.Exists(q.Path);
            foreach (var item in InputWalker.Expand([q.Path]))
                yield return item.Error is not null ? new Query(item.Path, null, null, item.Error)
                    : item.IsLink ? new Query(item.Path, null, null, Note: item.LinkNote) : new Query(item.Path, null, null, Named: named);
        }
    }

    /// <summary>The query hash that matched: the given hash, the variant or frame for PDQ, the file's digest for an exact type.</summary>
    private static string QueryHex(Outcome o, Match m)
    {
        if (o.Hash is { } h) return h.Value!;
        // A video's frame list and TMK are too long for a row; the path names the query.
        if (m.Signal == SignalTypes.Vpdq || m.Signal == SignalTypes.Tmk) return "";
        string? video = null;
        return Matcher.QueryOf(m, o.File!, ref video).Value;
    }

    private static void Write(TextWriter w, OutputFormat format, Outcome o, Match m)
    {
        string query = QueryHex(o, m), transform = m.TransformName;
        double? seconds = m.FrameSeconds is { } at ? Math.Round(at, 3) : null;
        if (format == OutputFormat.Csv)
        {
            w.Write($"{CsvField.Escape(o.Path)},{query},{m.Signal.Name},{CsvField.Escape(m.Entry.Bank)},{CsvField.Escape(m.Entry.ContentId)},{m.Entry.Category},{m.Entry.Grade},{m.Distance},{transform}," +
                    $"{seconds?.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}," +
                    $"{ScanMatch.Score(m.TmkLevel1)?.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture)}," +
                    $"{ScanMatch.Score(m.TmkLevel2)?.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture)}\n");
            return;
        }
        var obj = new Dictionary<string, object?>
        {
            ["path"] = o.Path.Length == 0 ? null : o.Path, ["query"] = query, ["signal_type"] = m.Signal.Name, ["bank"] = m.Entry.Bank,
            ["content_id"] = m.Entry.ContentId, ["category"] = m.Entry.Category, ["grade"] = m.Entry.Grade, ["distance"] = m.Distance,
            ["dihedral"] = transform.Length == 0 ? null : transform,
            ["frame_seconds"] = seconds,
            ["frame_times"] = m.FrameTimes?.Select(t => Math.Round(t, 3)).ToArray(),
        };
        if (m.TmkLevel1 is not null)
        {
            obj["tmk_level1"] = ScanMatch.Score(m.TmkLevel1);
            obj["tmk_level2"] = ScanMatch.Score(m.TmkLevel2);
        }
        w.Write(JsonSerializer.Serialize(obj));
        w.Write('\n');
    }
}
