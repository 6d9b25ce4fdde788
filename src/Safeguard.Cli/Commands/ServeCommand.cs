using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Server;
using Safeguard.Server.Hosting;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard serve`: the HTTP service, review UI and HMA-compatible API.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on (default http://127.0.0.1:5080; anything beyond loopback must be asked for)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var demoImages = new Option<string?>("--demo-images") { Description = $"Directory of benign images for the demo bank (default: samples/ or ../shared/testdata; env {DemoBank.EnvironmentVariable})" };
        var noDemo = new Option<bool>("--no-demo") { Description = "Do not create the demo bank on a fresh database" };
        var allow = new Option<string[]>("--fetch-allow") { Description = "IP or CIDR that URL fetching may reach although private/loopback (repeatable)", AllowMultipleArgumentsPerToken = true };
        var rate = new Option<int>("--key-rate") { Description = "Default requests/s per API key", DefaultValueFactory = _ => 2000 };
        var concurrent = new Option<int>("--max-concurrent") { Description = "Requests processed at once; as many again may wait, the rest get 503", DefaultValueFactory = _ => 128 };
        var keyConcurrent = new Option<int>("--key-max-concurrent") { Description = "Requests one API key may have in progress when the key sets none; more get 429", DefaultValueFactory = _ => new ServerOptions().DefaultKeyMaxConcurrent };
        var urlFetches = new Option<int>("--max-url-fetches") { Description = "URL-fetching requests (/v1/hash/url, /v1/lookup/url, HMA ?url=) at once, at most half of --max-concurrent", DefaultValueFactory = _ => new ServerOptions().MaxConcurrentUrlFetches };
        var maxMedia = new Option<long>("--max-media-bytes") { Description = "Largest upload or fetched file", DefaultValueFactory = _ => 32L * 1024 * 1024 };
        var alert = new Option<string>("--conversation-alert") { Description = "Conversation risk level that creates a review item: low, medium, high or critical", DefaultValueFactory = _ => "high" };
        var conversationModel = new Option<string>("--conversation-model") { Description = "Score streamed conversations with a model from 'chat train' (or 'default')" };
        var reporterName = new Option<string>("--reporter-name") { Description = "Reporting person's name in CyberTipline reports", DefaultValueFactory = _ => "Safeguard operator" };
        var reporterEmail = new Option<string>("--reporter-email") { Description = "Reporting person's e-mail in CyberTipline reports", DefaultValueFactory = _ => "trust-and-safety@example.invalid" };
        var clearViews = new Option<int>("--max-clear-views") { Description = "Exposure cap: clear (unblurred) image views per reviewer in 24 hours (0: no cap)", DefaultValueFactory = _ => 200 };
        var claimMinutes = new Option<double>("--claim-minutes") { Description = "Minutes a reviewer's claim on a review item holds", DefaultValueFactory = _ => new ServerOptions().ClaimLifetime.TotalMinutes };
        var breakViews = new Option<int>("--break-after-views") { Description = "The review console suggests a break after this many clear views in a session (0: never)", DefaultValueFactory = _ => new ServerOptions().BreakAfterViews };
        var breakMinutes = new Option<int>("--break-after-minutes") { Description = "The review console suggests a break after this many minutes of work (0: never)", DefaultValueFactory = _ => new ServerOptions().BreakAfterMinutes };
        var maxVideos = new Option<int>("--max-videos") { Description = "Uploaded videos decoded at once (default: cores / 4, at least 1); more wait up to 30 s, then 503", DefaultValueFactory = _ => new ServerOptions().MaxConcurrentVideos };
        var videoTimeout = new Option<double>("--video-timeout") { Description = "Seconds one uploaded video may take to hash (504 past it)", DefaultValueFactory = _ => new ServerOptions().VideoTimeout.TotalSeconds };
        var auditCheckpoints = AuditCommand.CheckpointsOption();
        var auditKey = AuditCommand.KeyOption();
        var checkpointInterval = new Option<double>("--audit-checkpoint-interval") { Description = "Seconds between signed audit checkpoints, written only when the log grew (0: only on demand and with reports)", DefaultValueFactory = _ => new ServerOptions().AuditCheckpointInterval.TotalSeconds };
        var decodePixels = new Option<long>("--max-decode-pixels") { Description = "Image pixels decoded at once across all requests (4-8 bytes each); more wait up to 30 s, then 503", DefaultValueFactory = _ => new ServerOptions().MaxDecodePixels };
        var paymentsLevel = new Option<string>("--payments-review-level") { Description = "Payments subject level (POST /v1/payments/transactions) that creates a review item: low, medium, high or critical", DefaultValueFactory = _ => "high" };
        var floodMinHits = new Option<long>("--flood-min-hits") { Description = "Flood control: an entry's matches in one hour must exceed this to count as a burst", DefaultValueFactory = _ => new ServerOptions().FloodMinHits };
        var floodFactor = new Option<double>("--flood-factor") { Description = "Flood control: ... and exceed this many times its average hourly matches over the previous 7 days", DefaultValueFactory = _ => new ServerOptions().FloodFactor };
        var floodHours = new Option<double>("--flood-quarantine-hours") { Description = "Flood control: hours a bursting entry stops matching (audited, with an admin alert)", DefaultValueFactory = _ => new ServerOptions().FloodQuarantine.TotalHours };
        var noFlood = new Option<bool>("--no-flood-control") { Description = "Do not count matches per entry nor quarantine bursting entries" };
        var exchangePoll = new Option<double>("--exchange-poll") { Description = "Seconds between looks for exchanges due a fetch and feedback due sending (1..3600)", DefaultValueFactory = _ => new ServerOptions().ExchangePoll.TotalSeconds };
        var noExchangeFetch = new Option<bool>("--no-exchange-fetch") { Description = "This process never fetches exchanges on schedule (another process sharing the database may)" };
        var tmkRules = new MatchPolicyOptions();
        var indexSnapshot = new Option<string?>("--index-snapshot") { Description = "PDQ index snapshot file, loaded at start and checked against the database's change feed (default: <database>.pdq-index beside a SQLite database; 'off': none)" };
        var tmkMemory = new Option<long>("--tmk-feature-memory") { Description = "MiB of banked videos' whole TMK features kept in memory (263 KB each); past it level-2 scoring reads them from the store", DefaultValueFactory = _ => new ServerOptions().TmkFeatureBudgetBytes >> 20 };
        var paymentsBatch = new Option<long>("--payments-max-batch-bytes") { Description = "Largest body of one POST /v1/payments/transactions (413 past it)", DefaultValueFactory = _ => new ServerOptions().MaxPaymentsBatchBytes };
        var defaults = new ServerOptions();
        var noCrawl = new Option<bool>("--no-crawl") { Description = "This process does not crawl (POST /v1/crawl/urls still queues requests for a process sharing the database)" };
        var crawlMaxUrls = new Option<int>("--crawl-max-urls") { Description = "URLs one POST /v1/crawl/urls may carry", DefaultValueFactory = _ => defaults.CrawlMaxUrlsPerRequest };
        var crawlMaxDepth = new Option<int>("--crawl-max-depth") { Description = "Deepest link depth a crawl request may ask for", DefaultValueFactory = _ => defaults.CrawlMaxDepth };
        var crawlMaxPages = new Option<long>("--crawl-max-pages") { Description = "Pages one crawl request may fetch in all", DefaultValueFactory = _ => defaults.CrawlMaxPages };
        var crawlConcurrency = new Option<int>("--crawl-concurrency") { Description = "Crawl requests in flight over all hosts", DefaultValueFactory = _ => defaults.CrawlConcurrency };
        var crawlPerHost = new Option<int>("--crawl-per-host") { Description = "Crawl requests in flight to one host", DefaultValueFactory = _ => defaults.CrawlPerHostConcurrency };
        var crawlDelay = new Option<double>("--crawl-delay") { Description = "Seconds between request starts to one host (0: no politeness, for local test sites)", DefaultValueFactory = _ => defaults.CrawlDelay.TotalSeconds };
        var crawlTimeout = new Option<double>("--crawl-timeout") { Description = "Seconds for one whole crawl fetch: redirects, headers and the last byte", DefaultValueFactory = _ => defaults.CrawlTimeout.TotalSeconds };
        var suspect = new Option<int>("--suspect-threshold") { Description = "PDQ distances above the threshold up to this become suspected crawl sightings, queued for review (0: none)" };
        var cmd = new Command("serve", "Run the Safeguard HTTP service: hashing, matching, banks, review UI, audit, reports.")
        {
            urls, demoImages, noDemo, allow, rate, concurrent, keyConcurrent, urlFetches, maxMedia, alert, conversationModel, reporterName, reporterEmail, clearViews, maxVideos, videoTimeout, decodePixels,
            auditCheckpoints, auditKey, checkpointInterval, paymentsLevel, paymentsBatch, claimMinutes, breakViews, breakMinutes,
            floodMinHits, floodFactor, floodHours, noFlood,
            exchangePoll, noExchangeFetch,
            noCrawl, crawlMaxUrls, crawlMaxDepth, crawlMaxPages, crawlConcurrency, crawlPerHost, crawlDelay, crawlTimeout, suspect,
        };
        tmkRules.AddTmkTo(cmd);
        cmd.Add(tmkMemory);
        cmd.Add(indexSnapshot);
        cmd.SetAction(parse =>
        {
            var (tmkLevel1, tmkLevel2) = tmkRules.ReadTmkThresholds(parse);
            long tmkMiB = parse.GetValue(tmkMemory);
            if (tmkMiB is < 0 or > 1L << 30) throw new UsageException($"--tmk-feature-memory must be 0..{1L << 30} MiB, not {tmkMiB}");
            int c = parse.GetValue(concurrent);
            if (c < 1) throw new UsageException("--max-concurrent must be at least 1");
            int perKey = parse.GetValue(keyConcurrent);
            if (perKey < 1) throw new UsageException("--key-max-concurrent must be at least 1");
            int fetches = parse.GetValue(urlFetches);
            if (fetches < 1) throw new UsageException("--max-url-fetches must be at least 1");
            int videos = parse.GetValue(maxVideos);
            if (videos < 1) throw new UsageException("--max-videos must be at least 1");
            double videoSeconds = parse.GetValue(videoTimeout);
            if (!(videoSeconds >= 1 && videoSeconds <= 86_400)) throw new UsageException("--video-timeout must be 1..86400 seconds");
            double checkpointSeconds = parse.GetValue(checkpointInterval);
            if (!(checkpointSeconds == 0 || (checkpointSeconds >= 1 && checkpointSeconds <= 86_400))) throw new UsageException("--audit-checkpoint-interval must be 0 or 1..86400 seconds");
            long pixels = parse.GetValue(decodePixels);
            if (pixels < 1_000_000) throw new UsageException("--max-decode-pixels must be at least 1000000");
            if (!Enum.TryParse<Safeguard.Conversations.Analysis.RiskLevel>(parse.GetValue(alert), ignoreCase: true, out var level) || level == Safeguard.Conversations.Analysis.RiskLevel.None || !Enum.IsDefined(level) || char.IsDigit(parse.GetValue(alert)![0]))
                throw new UsageException("--conversation-alert must be low, medium, high or critical");
            var payLevel = parse.GetValue(paymentsLevel)!.ToLowerInvariant() switch
            {
                "low" => Safeguard.Conversations.Analysis.RiskLevel.Low, "medium" => Safeguard.Conversations.Analysis.RiskLevel.Medium,
                "high" => Safeguard.Conversations.Analysis.RiskLevel.High, "critical" => Safeguard.Conversations.Analysis.RiskLevel.Critical,
                _ => throw new UsageException("--payments-review-level must be low, medium, high or critical"),
            };
            long payBatch = parse.GetValue(paymentsBatch);
            if (payBatch < 1024) throw new UsageException("--payments-max-batch-bytes must be at least 1024");
            double claim = parse.GetValue(claimMinutes);
            if (!(claim >= 1 && claim <= 1440)) throw new UsageException("--claim-minutes must be 1..1440");
            long minHits = parse.GetValue(floodMinHits);
            if (minHits is < 1 or > 1_000_000_000) throw new UsageException("--flood-min-hits must be 1..1000000000");
            double factor = parse.GetValue(floodFactor);
            if (!(factor >= 1 && factor <= 1_000_000)) throw new UsageException("--flood-factor must be 1..1000000");
            double quarantineHours = parse.GetValue(floodHours);
            if (!(quarantineHours > 0 && quarantineHours <= 24 * 365)) throw new UsageException("--flood-quarantine-hours must be more than 0 and at most 8760");
            double poll = parse.GetValue(exchangePoll);
            if (!(poll >= 1 && poll <= 3600)) throw new UsageException("--exchange-poll must be 1..3600 seconds");
            int maxUrls = parse.GetValue(crawlMaxUrls), maxDepth = parse.GetValue(crawlMaxDepth), crawlers = parse.GetValue(crawlConcurrency), perHost = parse.GetValue(crawlPerHost);
            long maxPages = parse.GetValue(crawlMaxPages);
            double delay = parse.GetValue(crawlDelay), fetchSeconds = parse.GetValue(crawlTimeout);
            int suspectThreshold = parse.GetValue(suspect);
            if (maxUrls is < 1 or > 10_000) throw new UsageException("--crawl-max-urls must be 1..10000");
            if (maxDepth is < 0 or > 20) throw new UsageException("--crawl-max-depth must be 0..20");
            if (maxPages is < 1 or > 100_000_000) throw new UsageException("--crawl-max-pages must be 1..100000000");
            if (crawlers is < 1 or > 1024 || perHost is < 1 or > 1024) throw new UsageException("--crawl-concurrency and --crawl-per-host must be 1..1024");
            if (!(delay >= 0 && delay <= 3600)) throw new UsageException("--crawl-delay must be 0..3600 seconds");
            if (!(fetchSeconds >= 1 && fetchSeconds <= 3600)) throw new UsageException("--crawl-timeout must be 1..3600 seconds");
            if (suspectThreshold is < 0 or > 256) throw new UsageException("--suspect-threshold must be 0..256");
            var model = parse.GetValue(conversationModel) is { } modelPath ? Chat.ChatCommand.LoadTrainedModel(modelPath, "--conversation-model") : null;
            var options = new ServerOptions
            {
                Db = parse.GetValue(GlobalOptions.Db), Urls = parse.GetValue(urls)!, DemoImages = parse.GetValue(demoImages),
                Demo = !parse.GetValue(noDemo), FetchAllowList = parse.GetValue(allow) ?? [], DefaultKeyRatePerSecond = parse.GetValue(rate),
                MaxConcurrentRequests = c, MaxQueuedRequests = c * 2, DefaultKeyMaxConcurrent = perKey, MaxConcurrentUrlFetches = fetches, MaxMediaBytes = parse.GetValue(maxMedia),
                ConversationAlertLevel = level, ConversationModel = model, ReporterName = parse.GetValue(reporterName)!, ReporterEmail = parse.GetValue(reporterEmail)!,
                MaxClearViewsPerDay = Math.Max(0, parse.GetValue(clearViews)), ClaimLifetime = TimeSpan.FromMinutes(claim),
                BreakAfterViews = Math.Max(0, parse.GetValue(breakViews)), BreakAfterMinutes = Math.Max(0, parse.GetValue(breakMinutes)),
                AuditCheckpoints = parse.GetValue(auditCheckpoints), AuditKey = parse.GetValue(auditKey),
                AuditCheckpointInterval = TimeSpan.FromSeconds(checkpointSeconds),
                MaxConcurrentVideos = videos, VideoTimeout = TimeSpan.FromSeconds(videoSeconds), MaxDecodePixels = pixels,
                PaymentsReviewLevel = payLevel, MaxPaymentsBatchBytes = payBatch,
                FloodControl = !parse.GetValue(noFlood), FloodMinHits = minHits, FloodFactor = factor, FloodQuarantine = TimeSpan.FromHours(quarantineHours),
                ExchangePoll = TimeSpan.FromSeconds(poll), ExchangeFetch = !parse.GetValue(noExchangeFetch),
                TmkLevel1Threshold = tmkLevel1, TmkLevel2Threshold = tmkLevel2, Tmk = !parse.GetValue(tmkRules.NoTmk), TmkFeatureBudgetBytes = tmkMiB << 20,
                Crawl = !parse.GetValue(noCrawl), CrawlMaxUrlsPerRequest = maxUrls, CrawlMaxDepth = maxDepth, CrawlMaxPages = maxPages,
                CrawlConcurrency = crawlers, CrawlPerHostConcurrency = perHost, CrawlDelay = TimeSpan.FromSeconds(delay), CrawlTimeout = TimeSpan.FromSeconds(fetchSeconds),
                CrawlSuspectThreshold = suspectThreshold,
                IndexSnapshot = parse.GetValue(indexSnapshot),
            };
            try
            {
                var app = SafeguardServer.BuildAsync(options).GetAwaiter().GetResult();
                Console.Error.WriteLine($"safeguard: serving on {options.Urls} (database: {Describe(options.ResolveDb())}); review UI at {options.Urls.TrimEnd('/')}/ui/");
                var checkpoints = app.Services.GetRequiredService<Safeguard.Server.Audit.AuditCheckpointer>();
                Console.Error.WriteLine($"safeguard: audit checkpoints to {checkpoints.FilePath}, signed by key {checkpoints.PublicKey.Id} ({options.ResolveAuditKey()}; back it up, ideally off this host)");
                app.Run();
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or System.Data.Common.DbException or Safeguard.Banks.BankException or InvalidOperationException)
            {
                Console.Error.WriteLine($"safeguard: {ex.Message}");
                return ExitCodes.SomeFailed;
            }
        });
        return cmd;
    }

    /// <summary>Names the database without any password it may carry.</summary>
    internal static string Describe(string db) =>
        Safeguard.Storage.ConnectionStrings.IsPostgres(db) ? "PostgreSQL" : db;
}
