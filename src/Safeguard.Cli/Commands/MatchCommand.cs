using System.CommandLine;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Banks.Matching;
using Safeguard.Cli.Output;
using Safeguard.Cli.Scanning;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Pipeline;

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
        var threshold = new Option<int>("--threshold") { Description = "PDQ match at Hamming distance <= T (0..63).", DefaultValueFactory = _ => PdqResult.DefaultMatchThreshold };
        var minQuality = new Option<int>("--min-quality") { Description = "PDQ hashes of lower quality (0..100) are not matched.", DefaultValueFactory = _ => PdqResult.MinimumUsefulQuality };
        var format = new Option<OutputFormat>("--format") { Description = "Output format: csv (with a header row) or jsonl.", DefaultValueFactory = _ => OutputFormat.Csv };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: one per core)." };
        var options = new ImageHashingOptions();
        var command = new Command("match", "Match files (hashed like 'hash') or given hashes against hash banks; one output row per match.")
        {
            inputs, banks, threshold, minQuality, format, threads,
        };
        options.AddTo(command);
        command.SetAction(parse =>
        {
            var settings = ReadSettings(parse, threshold, minQuality, parse.GetValue(options.Dihedral));
            var hashOptions = options.Read(parse);
            var queries = Classify(parse.GetValue(inputs)!);
            return BankCommandSupport.Run(parse, async store =>
            {
                var index = await BankIndex.LoadAsync(store, parse.GetValue(banks));
                settings = settings with { Videos = await Video.VideoBanks.LoadAsync(store, parse.GetValue(banks) ?? [], includePdqAndMd5: false) };
                return Run(index, queries, hashOptions, settings, parse.GetValue(format), parse.GetValue(threads));
            });
        });
        return command;
    }

    public static MatchSettings ReadSettings(ParseResult parse, Option<int> threshold, Option<int> minQuality, bool dihedral)
    {
        int t = parse.GetValue(threshold), q = parse.GetValue(minQuality);
        if (t is < 0 or > PdqResult.MaxMatchThreshold) throw new UsageException($"--threshold must be 0..{PdqResult.MaxMatchThreshold}, not {t}");
        if (q is < 0 or > 100) throw new UsageException($"--min-quality must be 0..100, not {q}");
        return new MatchSettings(t, q, dihedral);
    }

    /// <summary>A command-line input: a hash to match as given, or a path to hash.</summary>
    public sealed record Query(string? Path, SignalType? Type, string? Value, string? Error = null, string? Note = null);

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

    private sealed record Outcome(string Path, FileHashResult? File, Query? Hash, List<BankMatch> Matches, bool LowQuality, string? Note = null);

    private sealed class Worker(FileHashOptions options) : IDisposable
    {
        public readonly EvidenceHasher Hasher = new(options, cache: null);
        public void Dispose() => Hasher.Dispose();
    }

    public static int Run(BankIndex index, List<Query> queries, FileHashOptions options, MatchSettings settings, OutputFormat format, int threads)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16);
        if (format == OutputFormat.Csv) stdout.Write("path,query,signal_type,bank,content_id,category,grade,distance,dihedral,frame_seconds\n");
        int failed = 0;
        OrderedParallel.Run(
            Expand(queries),
            () => new Worker(options),
            (w, q) =>
            {
                var matches = new List<BankMatch>();
                if (q.Type is not null)
                {
                    if (q.Type.Name == "pdq") index.MatchPdq(Hash256.Parse(q.Value), settings.Threshold, matches);
                    else index.MatchExact(q.Type.Name, Convert.FromHexString(q.Value!), matches);
                    return new Outcome("", null, q, matches, false);
                }
                if (q.Error is not null) return new Outcome(q.Path!, new FileHashResult { Path = q.Path!, Error = q.Error }, null, matches, false);
                if (q.Note is not null) return new Outcome(q.Path!, null, null, matches, false, q.Note);
                var r = w.Hasher.HashFile(q.Path!, q.Path!);
                bool ok = settings.Match(index, r, matches);
                return new Outcome(q.Path!, r, null, matches, !ok);
            },
            o =>
            {
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
                    Console.Error.WriteLine($"safeguard: {o.Path}: PDQ quality {o.File!.Pdq!.Value.Quality} is below --min-quality {settings.MinQuality}; PDQ skipped (exact hashes still matched)");
                }
                foreach (var m in o.Matches) Write(stdout, format, o, m);
            },
            threads);
        stdout.Flush();
        return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
    }

    private static IEnumerable<Query> Expand(List<Query> queries)
    {
        foreach (var q in queries)
        {
            if (q.Path is null) { yield return q; continue; }
            foreach (var item in InputWalker.Expand([q.Path]))
                yield return item.Error is not null ? new Query(item.Path, null, null, item.Error)
                    : item.IsLink ? new Query(item.Path, null, null, Note: item.LinkNote) : new Query(item.Path, null, null);
        }
    }

    private static string QueryHex(Outcome o, BankMatch m)
    {
        if (o.Hash is { } h) return h.Value!;
        var r = o.File!;
        return m.SignalType switch
        {
            "pdq" when r.IsVideo => m.FrameHash?.ToString() ?? "", // the video's frame that matched
            "pdq" => m.Transform is { } t && r.DihedralHashes is { } d ? d[(int)t].ToString() : r.Pdq!.Value.Hash.ToString(),
            "video_md5" => FileHashResult.Hex(r.Md5),
            "md5" => FileHashResult.Hex(r.Md5),
            "sha1" => FileHashResult.Hex(r.Sha1),
            "sha256" => FileHashResult.Hex(r.Sha256),
            _ => "",
        };
    }

    private static void Write(TextWriter w, OutputFormat format, Outcome o, BankMatch m)
    {
        string query = QueryHex(o, m), transform = MatchSettings.TransformName(m.Transform);
        double? seconds = m.FrameSeconds is { } at ? Math.Round(at, 3) : null;
        if (format == OutputFormat.Csv)
        {
            w.Write($"{CsvField.Escape(o.Path)},{query},{m.SignalType},{CsvField.Escape(m.Bank)},{CsvField.Escape(m.ContentId)},{m.Category},{m.Grade},{m.Distance},{transform}," +
                    $"{seconds?.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}\n");
            return;
        }
        var obj = new Dictionary<string, object?>
        {
            ["path"] = o.Path.Length == 0 ? null : o.Path, ["query"] = query, ["signal_type"] = m.SignalType, ["bank"] = m.Bank,
            ["content_id"] = m.ContentId, ["category"] = m.Category, ["grade"] = m.Grade, ["distance"] = m.Distance,
            ["dihedral"] = transform.Length == 0 ? null : transform,
            ["frame_seconds"] = seconds,
            ["frame_times"] = m.FrameTimes?.Select(t => Math.Round(t, 3)).ToArray(),
        };
        w.Write(JsonSerializer.Serialize(obj));
        w.Write('\n');
    }
}
