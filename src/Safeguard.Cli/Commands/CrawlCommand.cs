using System.CommandLine;
using System.Globalization;
using Safeguard.Cli.Output;
using Safeguard.Crawl;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Scope;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Exchanges.Http;
using Safeguard.Hashing.Files;

namespace Safeguard.Cli.Commands;

/// <summary><c>safeguard crawl SEEDS... --out DIR</c>: crawl pages within a scope, hash and match every image and video, record sightings.</summary>
public static class CrawlCommand
{
    public static Command Create()
    {
        var seeds = new Argument<string[]>("SEED") { Description = "Start URLs (http or https); '-' reads them from stdin, one a line.", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "Output folder: crawl.db (the frontier, unless --frontier-db), sightings.jsonl, summary.json.", Required = true };
        var frontierDb = new Option<string?>("--frontier-db") { Description = "Frontier database: a SQLite file (default DIR/crawl.db) or a PostgreSQL connection shared by several crawlers." };
        var banks = new Option<string[]>("--bank") { Description = "Bank(s) to match against (repeat); default: all banks.", AllowMultipleArgumentsPerToken = true };
        var rules = new MatchPolicyOptions();
        var suspect = new Option<int>("--suspect-threshold") { Description = "PDQ distances above --threshold up to this are recorded as suspected sightings, pending review (default: none)." };
        var hosts = new Option<string[]>("--scope-host") { Description = "Follow pages on this host (host or host:port; repeat). Default: the seeds' hosts.", AllowMultipleArgumentsPerToken = true };
        var anyHost = new Option<bool>("--any-host") { Description = "Follow links to any host (bounded by --max-depth and the page caps)." };
        var include = new Option<string[]>("--include") { Description = "Follow only pages whose URL matches this regular expression (repeat).", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Never fetch a URL matching this regular expression (repeat).", AllowMultipleArgumentsPerToken = true };
        var depth = new Option<int>("--max-depth") { Description = "Links followed from a seed (0: the seeds and their media only).", DefaultValueFactory = _ => 3 };
        var maxPages = new Option<long>("--max-pages") { Description = "Pages in all.", DefaultValueFactory = _ => 10_000 };
        var perHostPages = new Option<long>("--max-pages-per-host") { Description = "Pages from one host (link farms stop here).", DefaultValueFactory = _ => 2_000 };
        var ignoreRobots = new Option<bool>("--ignore-robots") { Description = "Do not read robots.txt (for reported content)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight over all hosts.", DefaultValueFactory = _ => 16 };
        var perHost = new Option<int>("--per-host") { Description = "Requests in flight to one host.", DefaultValueFactory = _ => 2 };
        var delay = new Option<double>("--delay") { Description = "Seconds between request starts to one host (robots.txt Crawl-delay may raise it).", DefaultValueFactory = _ => 1.0 };
        var noPoliteness = new Option<bool>("--no-politeness") { Description = "No per-host delay and no per-host concurrency cap (local sites, benchmarks)." };
        var retries = new Option<int>("--retries") { Description = "Retries of a URL after 429, 5xx or a network error (backoff doubling from 2 s; Retry-After honoured).", DefaultValueFactory = _ => 3 };
        var proxy = new Option<string?>("--proxy") { Description = "Proxy for every request: http://HOST:PORT, socks5://HOST:PORT or socks5h://HOST:PORT (DNS by the proxy; Tor: socks5h://127.0.0.1:9050)." };
        var bandwidth = new Option<long>("--bandwidth") { Description = "Bytes per second over all requests (0: no cap)." };
        var maxBytes = new Option<long>("--max-bytes") { Description = "Largest body, after decompression.", DefaultValueFactory = _ => 64L * 1024 * 1024 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds for one whole fetch, redirects and body included.", DefaultValueFactory = _ => 30.0 };
        var allow = new Option<string[]>("--fetch-allow") { Description = "IP or CIDR that fetching may reach although private/loopback (repeatable).", AllowMultipleArgumentsPerToken = true };
        var evidence = new Option<string?>("--preserve-evidence") { Description = "Write matched media to this folder, named by SHA-256 (by default media is held in memory only)." };
        var lease = new Option<double>("--lease") { Description = "Seconds a claimed URL stays this crawler's on a shared frontier before another may take it.", DefaultValueFactory = _ => 300.0 };
        var command = new Command("crawl", "Crawl pages from seed URLs, hash and match every image and video against the banks, record sightings and problems.")
        {
            seeds, outDir, frontierDb, banks, suspect, hosts, anyHost, include, exclude, depth, maxPages, perHostPages, ignoreRobots,
            concurrency, perHost, delay, noPoliteness, retries, proxy, bandwidth, maxBytes, timeout, allow, evidence, lease,
        };
        rules.AddTo(command);
        command.SetAction(parse =>
        {
            var policy = rules.Read(parse, dihedral: false);
            var seedList = ReadSeeds(parse.GetValue(seeds)!);
            bool polite = !parse.GetValue(noPoliteness);
            var scope = new CrawlScope
            {
                Hosts = parse.GetValue(hosts) ?? [], AnyHost = parse.GetValue(anyHost),
                Include = Patterns(parse.GetValue(include), "--include"), Exclude = Patterns(parse.GetValue(exclude), "--exclude"),
                MaxDepth = NonNegative(parse.GetValue(depth), "--max-depth"), MaxPages = Positive(parse.GetValue(maxPages), "--max-pages"),
                MaxPagesPerHost = Positive(parse.GetValue(perHostPages), "--max-pages-per-host"), IgnoreRobots = parse.GetValue(ignoreRobots),
            };
            var settings = new CrawlRunSettings
            {
                Seeds = seedList, OutDir = parse.GetValue(outDir)!, FrontierDb = parse.GetValue(frontierDb),
                Crawl = new CrawlOptions
                {
                    Scope = scope, Concurrency = (int)Positive(parse.GetValue(concurrency), "--concurrency"),
                    PerHostConcurrency = polite ? (int)Positive(parse.GetValue(perHost), "--per-host") : int.MaxValue / 2,
                    PerHostDelay = polite ? Seconds(parse.GetValue(delay), "--delay", allowZero: true) : TimeSpan.Zero,
                    MaxRetries = NonNegative(parse.GetValue(retries), "--retries"), Lease = Seconds(parse.GetValue(lease), "--lease"),
                    PreserveEvidenceDir = parse.GetValue(evidence),
                },
                Fetch = new FetchOptions
                {
                    Addresses = Addresses(parse.GetValue(allow)), Proxy = Proxy(parse.GetValue(proxy)),
                    BandwidthBytesPerSecond = parse.GetValue(bandwidth) >= 0 ? parse.GetValue(bandwidth) : throw new UsageException("--bandwidth must be 0 or more"),
                    MaxBodyBytes = Positive(parse.GetValue(maxBytes), "--max-bytes"), Timeout = Seconds(parse.GetValue(timeout), "--timeout"),
                },
                Hashing = new FileHashOptions { Signals = HashSignals.All },
                Video = rules.VideoOptions(parse),
                SuspectThreshold = SuspectThreshold(parse.GetValue(suspect), policy.Threshold),
            };
            return BankCommandSupport.Run(parse, async store =>
            {
                var index = await BankIndex.LoadAsync(store, parse.GetValue(banks) ?? []);
                var matcher = new Matcher(index, policy);
                var summary = await ProgressReporter.RunAsync(parse, "crawl", "URLs", null, progress =>
                    CrawlRun.RunAsync(settings, matcher, (stats, counts) =>
                    {
                        progress.SetDone(stats.PagesFetched + stats.MediaFetched);
                        progress.SetTotal(counts.Done + counts.Failed + counts.Skipped + counts.Claimed + counts.Queued + counts.Waiting);
                        progress.Detail = $"{stats.PagesFetched:N0} pages, {stats.MediaHashed:N0} media hashed, {stats.Sightings:N0} sightings";
                    }, CancellationToken.None), dataOnStdout: false);
                Console.Out.WriteLine($"pages {summary.PagesFetched:N0}, media {summary.MediaFetched:N0} ({summary.MediaHashed:N0} hashed, {summary.DuplicateMedia:N0} duplicates), " +
                    $"sightings {summary.Sightings:N0} ({summary.BankSightings:N0} bank, {summary.SuspectedSightings:N0} suspected), problems {summary.Problems.Values.Sum():N0}");
                Console.Out.WriteLine($"outputs: {CrawlRun.FrontierPath(settings)}, {Path.Combine(settings.OutDir, "sightings.jsonl")}, summary.json");
                Console.Error.WriteLine($"safeguard: crawled in {summary.ElapsedSeconds:F1} s");
                return ExitCodes.Ok;
            });
        });
        // What follows a crawl: contacts, notices, re-checks and the removal report (crawl-notices.md).
        CrawlNoticesCommands.AddTo(command);
        return command;
    }

    private static List<string> ReadSeeds(string[] args)
    {
        var list = new List<string>();
        foreach (var a in args)
        {
            if (a != "-") { list.Add(a); continue; }
            string? line;
            while ((line = Console.In.ReadLine()) is not null)
                if (line.Trim() is { Length: > 0 } s && !s.StartsWith('#')) list.Add(s);
        }
        return list.Count > 0 ? list : throw new UsageException("no seed URL given");
    }

    private static List<System.Text.RegularExpressions.Regex> Patterns(string[]? texts, string option)
    {
        var list = new List<System.Text.RegularExpressions.Regex>();
        foreach (var t in texts ?? [])
        {
            try { list.Add(CrawlScope.Pattern(t)); }
            catch (ArgumentException ex) { throw new UsageException($"{option} '{t}' is not a regular expression: {ex.Message}"); }
        }
        return list;
    }

    private static AddressPolicy Addresses(string[]? allow)
    {
        try { return new AddressPolicy(allow); }
        catch (ArgumentException ex) { throw new UsageException(ex.Message); }
    }

    private static Uri? Proxy(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "socks5" or "socks5h") || uri.Port <= 0)
            throw new UsageException($"--proxy '{text}' must be http://HOST:PORT, socks5://HOST:PORT or socks5h://HOST:PORT");
        if (uri.UserInfo.Length > 0) throw new UsageException("--proxy must not carry credentials");
        return uri;
    }

    private static int SuspectThreshold(int value, int threshold) => value == 0 ? 0
        : value > threshold && value <= Safeguard.Signals.SignalTypes.Pdq.MaxThreshold ? value
        : throw new UsageException($"--suspect-threshold must be above --threshold ({threshold}) and at most {Safeguard.Signals.SignalTypes.Pdq.MaxThreshold}");

    private static long Positive(long v, string option) => v > 0 ? v : throw new UsageException($"{option} must be positive, not {v}");
    private static int NonNegative(int v, string option) => v >= 0 ? v : throw new UsageException($"{option} must be 0 or more, not {v}");

    private static TimeSpan Seconds(double v, string option, bool allowZero = false) =>
        (allowZero ? v >= 0 : v > 0) && v < 86_400 ? TimeSpan.FromSeconds(v)
            : throw new UsageException($"{option} must be {(allowZero ? "0 or more" : "positive")} seconds, not {v.ToString(CultureInfo.InvariantCulture)}");
}
