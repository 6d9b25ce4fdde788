using Safeguard.Conversations.Analysis;
using Safeguard.Storage.Banks;

namespace Safeguard.Server;

/// <summary>Everything `safeguard serve` can be told. Defaults are the safe ones.</summary>
public sealed record ServerOptions
{
    /// <summary>Bank database (SQLite path or PostgreSQL connection); null: $SAFEGUARD_DB, else the default SQLite file.</summary>
    public string? Db { get; init; }
    /// <summary>Listen address; only loopback unless configured.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";
    /// <summary>Directory of benign images for the demo bank; null: search for ../shared/testdata or samples/.</summary>
    public string? DemoImages { get; init; }
    public bool Demo { get; init; } = true;
    /// <summary>Largest upload or fetched file, bytes.</summary>
    public long MaxMediaBytes { get; init; } = 32L * 1024 * 1024;
    /// <summary>Largest bulk import body, bytes.</summary>
    public long MaxImportBytes { get; init; } = 2L * 1024 * 1024 * 1024;
    /// <summary>
    /// Pixels decoded at once across all requests (each takes 4 to 8 bytes while decoding); an image waits
    /// for room up to <see cref="DecodeQueueWait"/>, then 503. One image larger than this runs alone.
    /// </summary>
    public long MaxDecodePixels { get; init; } = 400_000_000;
    public TimeSpan DecodeQueueWait { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Videos hashed at once (each FFmpeg decode uses several cores); more wait up to 30 s, then 503.</summary>
    public int MaxConcurrentVideos { get; init; } = Math.Max(1, Environment.ProcessorCount / 4);
    /// <summary>Longest time one uploaded video may take to hash (504 past it).</summary>
    public TimeSpan VideoTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Hosts or CIDR ranges that URL fetching may reach even though they are private/loopback.</summary>
    public IReadOnlyList<string> FetchAllowList { get; init; } = [];
    /// <summary>Requests/s per key when the key sets none (token bucket, burst = 2 s worth).</summary>
    public int DefaultKeyRatePerSecond { get; init; } = 2000;
    /// <summary>Requests processed at once, and waiting beyond that (queued per key, served in turn); past both the answer is 503.</summary>
    public int MaxConcurrentRequests { get; init; } = 128;
    public int MaxQueuedRequests { get; init; } = 256;
    /// <summary>
    /// Work items waiting in the process's thread pool past which new requests get 503 at once;
    /// 0 means max(64, <see cref="MaxQueuedRequests"/>). The pool is shared by everything in the process,
    /// so a host running several servers (tests) sets it higher.
    /// </summary>
    public int ThreadPoolBacklogLimit { get; init; }
    /// <summary>Longest wait for a worker or URL-fetch slot (503 past it).</summary>
    public TimeSpan RequestQueueWait { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Requests one key may have in progress (running or waiting) when the key sets none; 429 past it.</summary>
    public int DefaultKeyMaxConcurrent { get; init; } = 32;
    /// <summary>URL-fetching requests (/v1/hash/url, /v1/lookup/url, HMA ?url=) at once, at most half of <see cref="MaxConcurrentRequests"/>.</summary>
    public int MaxConcurrentUrlFetches { get; init; } = 32;
    /// <summary>How often the index follows the bank change feed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Flood control: count matches per entry per hour and quarantine an entry whose hits burst.</summary>
    public bool FloodControl { get; init; } = true;
    /// <summary>An hour's hits must exceed this, whatever the entry's history, to count as a burst.</summary>
    public long FloodMinHits { get; init; } = 100;
    /// <summary>... and exceed this many times the entry's average hourly hits over the previous seven days.</summary>
    public double FloodFactor { get; init; } = 20;
    public TimeSpan FloodQuarantine { get; init; } = TimeSpan.FromHours(24);
    /// <summary>How often counted hits are written (one batch) and checked.</summary>
    public TimeSpan FloodFlushInterval { get; init; } = TimeSpan.FromSeconds(5);
    public int PdqThreshold { get; init; } = 31;
    /// <summary>TMK rule: level-1 (cosine of pure averages) and level-2 (time kernel) scores a banked video must reach.</summary>
    public float TmkLevel1Threshold { get; init; } = Safeguard.Signals.SignalTypes.Tmk.DefaultLevel1Threshold;
    public float TmkLevel2Threshold { get; init; } = Safeguard.Signals.SignalTypes.Tmk.DefaultLevel2Threshold;
    /// <summary>Compute TMK+PDQF for uploaded videos (with vPDQ, from one decode of every frame); off: vPDQ alone, sampled fast.</summary>
    public bool Tmk { get; init; } = true;
    /// <summary>Memory for banked videos' whole TMK features (263 KB each); past it level 2 reads them from the store (<see cref="Safeguard.Engine.Index.BankIndexOptions"/>).</summary>
    public long TmkFeatureBudgetBytes { get; init; } = Safeguard.Engine.Index.BankIndexOptions.DefaultTmkFeatureBudgetBytes;
    /// <summary>
    /// The PDQ index snapshot file: null for the default (beside a SQLite database, none for
    /// PostgreSQL), "off" for none. See <see cref="ResolveIndexSnapshot"/>.
    /// </summary>
    public string? IndexSnapshot { get; init; }
    /// <summary>Conversation level at which a streamed conversation becomes a review item.</summary>
    public RiskLevel ConversationAlertLevel { get; init; } = RiskLevel.High;
    /// <summary>A model from <c>safeguard chat train</c> that streamed conversations are scored with, beside the indicators.</summary>
    public Safeguard.Conversations.Models.ConversationModel? ConversationModel { get; init; }
    /// <summary>Payments subject level at which a subject fed through /v1/payments/transactions becomes a review item.</summary>
    public RiskLevel PaymentsReviewLevel { get; init; } = RiskLevel.High;
    /// <summary>Largest body of one POST /v1/payments/transactions, bytes (413 past it).</summary>
    public long MaxPaymentsBatchBytes { get; init; } = 256L * 1024 * 1024;
    /// <summary>Indicator weights for the payments service; null: the embedded data/payments/indicators.json.</summary>
    public Safeguard.Payments.Analysis.IndicatorSettings? PaymentsIndicators { get; init; }
    public int DefaultBlurStrength { get; init; } = 24;
    /// <summary>Exposure cap: clear (unblurred) views per reviewer in 24 hours; 0 for none.</summary>
    public int MaxClearViewsPerDay { get; init; } = 200;
    /// <summary>How long a reviewer's claim on a review item holds (renewed by claiming again).</summary>
    public TimeSpan ClaimLifetime { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>The review console suggests a break after this many clear views (whole or partial) in a session; 0: never.</summary>
    public int BreakAfterViews { get; init; } = 20;
    /// <summary>The review console suggests a break after this many minutes of work; 0: never.</summary>
    public int BreakAfterMinutes { get; init; } = 50;
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);
    /// <summary>Reporter details written into CyberTipline reports.</summary>
    public string ReporterName { get; init; } = "Safeguard operator";
    public string ReporterEmail { get; init; } = "trust-and-safety@example.invalid";

    /// <summary>Audit checkpoint file (append-only); null: beside the SQLite database, or the per-user data directory for PostgreSQL.</summary>
    public string? AuditCheckpoints { get; init; }
    /// <summary>Ed25519 key that signs audit checkpoints (created 0600 on first use); null: the per-user data directory.</summary>
    public string? AuditKey { get; init; }
    /// <summary>How often a checkpoint is written when the audit log grew; zero: only on demand and with reports.</summary>
    public TimeSpan AuditCheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the exchange scheduler looks for exchanges due a fetch and feedback due sending.</summary>
    public TimeSpan ExchangePoll { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Whether this process takes part in fetching exchanges on schedule (one elected process per database does).</summary>
    public bool ExchangeFetch { get; init; } = true;
    /// <summary>Folders a <c>file</c> exchange may read under (empty: any path an admin gives).</summary>
    public IReadOnlyList<string> ExchangeFileRoots { get; init; } = [];

    /// <summary>Run the crawler fed by <c>POST /v1/crawl/urls</c> in this process (several processes sharing a PostgreSQL database may all crawl).</summary>
    public bool Crawl { get; init; } = true;
    /// <summary>URLs one <c>POST /v1/crawl/urls</c> may carry (400 past it).</summary>
    public int CrawlMaxUrlsPerRequest { get; init; } = 100;
    /// <summary>Deepest link depth a request's scope may ask for.</summary>
    public int CrawlMaxDepth { get; init; } = 3;
    /// <summary>Pages one request may fetch in all (its scope may ask for fewer).</summary>
    public long CrawlMaxPages { get; init; } = 1_000;
    /// <summary>Requests in flight over all hosts, and to one host.</summary>
    public int CrawlConcurrency { get; init; } = 8;
    public int CrawlPerHostConcurrency { get; init; } = 2;
    /// <summary>Between two request starts to one host (zero: no politeness, for local test sites).</summary>
    public TimeSpan CrawlDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>One whole fetch: redirects, headers and the last byte.</summary>
    public TimeSpan CrawlTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>PDQ distances above <see cref="PdqThreshold"/> up to this become suspected sightings, queued for a reviewer (0: none).</summary>
    public int CrawlSuspectThreshold { get; init; }
    /// <summary>Waits between retries of a URL: this, doubled per attempt (tests make it short).</summary>
    public TimeSpan CrawlRetryBase { get; init; } = TimeSpan.FromSeconds(2);

    public string ResolveAuditCheckpoints() => string.IsNullOrWhiteSpace(AuditCheckpoints) ? Audit.CheckpointFile.DefaultPath(ResolveDb()) : AuditCheckpoints;
    /// <summary>Ed25519 key that signs federation feed pages (created 0600 on first use); null: beside the SQLite database, or the per-user data directory for PostgreSQL.</summary>
    public string? FeedKey { get; init; }

    public string ResolveFeedKey() => string.IsNullOrWhiteSpace(FeedKey) ? Feeds.FeedSigningKey.DefaultPath(ResolveDb()) : FeedKey;
    public string ResolveAuditKey() => string.IsNullOrWhiteSpace(AuditKey) ? Audit.AuditSigningKey.DefaultPath() : AuditKey;

    /// <summary>The index snapshot path, or null when there is none: "&lt;database&gt;.pdq-index" beside a SQLite database by default.</summary>
    public string? ResolveIndexSnapshot()
    {
        if (string.Equals(IndexSnapshot, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (!string.IsNullOrWhiteSpace(IndexSnapshot)) return IndexSnapshot;
        var db = ResolveDb();
        return Safeguard.Storage.ConnectionStrings.IsPostgres(db) ? null : db + ".pdq-index";
    }

    /// <summary>The same rule as <see cref="Safeguard.Storage.Banks.BankStores.OpenAsync"/>.</summary>
    public string ResolveDb()
    {
        var db = string.IsNullOrWhiteSpace(Db) ? Environment.GetEnvironmentVariable(Safeguard.Storage.Banks.BankStores.EnvironmentVariable) : Db;
        return string.IsNullOrWhiteSpace(db) ? Safeguard.Storage.Banks.BankStores.DefaultSqlitePath() : db;
    }
}
