namespace Safeguard.Exchanges;

/// <summary>An exchange as configured: bound to one bank, which it fills.</summary>
public sealed record ExchangeInfo
{
    /// <summary>Its name (the same rules as a bank name).</summary>
    public required string Name { get; init; }
    /// <summary>The <see cref="ExchangeType.Name"/>.</summary>
    public required string Type { get; init; }
    /// <summary>The bank the exchange fills; created with the exchange when missing.</summary>
    public required string Bank { get; init; }
    public ExchangeSettings Settings { get; init; } = ExchangeSettings.Empty;
    /// <summary>Fetched on schedule; a disabled exchange is fetched only by hand.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>Reviewers' verdicts on its entries are sent upstream (opt-in).</summary>
    public bool FeedbackEnabled { get; init; }
    /// <summary>Time between scheduled fetches.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(15);
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Where an exchange's fetching stands, for <c>exchange show</c>, the status routes and the dashboard.</summary>
public sealed record ExchangeStatus
{
    public required string Name { get; init; }
    public string? Checkpoint { get; init; }
    /// <summary>When the last fetch started, and when one last finished without error.</summary>
    public DateTimeOffset? LastFetch { get; init; }
    public DateTimeOffset? LastSuccess { get; init; }
    /// <summary>How current the newest applied upstream data is.</summary>
    public DateTimeOffset? UpstreamTime { get; init; }
    /// <summary>The last fetch's error (null when it succeeded), and how many fetches in a row failed.</summary>
    public string? Error { get; init; }
    public int ConsecutiveFailures { get; init; }
    /// <summary>When the scheduler fetches next (after backoff when failing).</summary>
    public DateTimeOffset? NextFetch { get; init; }
    /// <summary>Totals over the exchange's life.</summary>
    public long Pages { get; init; }
    public long Added { get; init; }
    public long Updated { get; init; }
    public long Withdrawn { get; init; }
    /// <summary>Entries of an initial load fetched and waiting to go into the bank when upstream has no more.</summary>
    public long Pending { get; init; }

    /// <summary>How far behind upstream the bank is: now minus the upstream time (or the last success when upstream gives none).</summary>
    public TimeSpan? Lag(DateTimeOffset now) => (UpstreamTime ?? LastSuccess) is { } t ? now - t : null;
}

/// <summary>What applying one page changed.</summary>
public sealed record PageResult(long Read, long Added, long Updated, long Withdrawn, long Unchanged, long Rejected);

/// <summary>A reviewer verdict waiting to be sent upstream (the feedback outbox).</summary>
public sealed record PendingFeedback(long Id, string Exchange, ExchangeFeedback Feedback, int Attempts, DateTimeOffset CreatedAt);

/// <summary>
/// Exchanges, their checkpoints and status, and the feedback outbox, in the same database as the
/// banks so a page and its checkpoint are written in one transaction.
/// </summary>
public interface IExchangeStore
{
    /// <summary>Adds an exchange (and its bank when missing). Throws <see cref="ExchangeException"/> if the name exists or the bank is bound to another exchange.</summary>
    Task<ExchangeInfo> AddAsync(ExchangeInfo exchange, CancellationToken ct = default);
    Task<IReadOnlyList<ExchangeInfo>> ListAsync(CancellationToken ct = default);
    Task<ExchangeInfo?> GetAsync(string name, CancellationToken ct = default);
    Task<ExchangeInfo?> FindByBankAsync(string bank, CancellationToken ct = default);
    /// <summary>Changes what is given (null: unchanged); returns the exchange as stored, null when unknown.</summary>
    Task<ExchangeInfo?> UpdateAsync(string name, bool? enabled = null, bool? feedbackEnabled = null, TimeSpan? interval = null, ExchangeSettings? settings = null, CancellationToken ct = default);
    /// <summary>Removes the exchange and its status. Its bank and entries stay (they are evidence of what was matched).</summary>
    Task<bool> RemoveAsync(string name, CancellationToken ct = default);

    Task<ExchangeStatus?> GetStatusAsync(string name, CancellationToken ct = default);
    Task<IReadOnlyList<ExchangeStatus>> ListStatusAsync(CancellationToken ct = default);

    /// <summary>
    /// Applies one page to the exchange's bank and stores its checkpoint, in one transaction.
    /// Refuses (<see cref="ExchangeException"/>, nothing written) when the stored checkpoint is no
    /// longer <paramref name="expectedCheckpoint"/>: another fetcher got there first.
    /// Withdrawn items are disabled with a reason naming the exchange, never deleted; an item that
    /// comes back is enabled again.
    /// </summary>
    Task<PageResult> ApplyPageAsync(string name, ExchangePage page, string? expectedCheckpoint, CancellationToken ct = default);

    /// <summary>
    /// Ends an initial load once upstream has no more pages: the entries gathered since the first
    /// <see cref="ExchangeFetcher.BulkAfterSetting"/> go into the bank in one transaction. Null when
    /// nothing was gathered. Until then those entries are counted as pending on the status and do not match.
    /// </summary>
    Task<PageResult?> FinishInitialLoadAsync(string name, CancellationToken ct = default);

    /// <summary>Records a fetch's start, or its end (error null on success) and when to fetch next.</summary>
    Task RecordFetchStartAsync(string name, DateTimeOffset at, CancellationToken ct = default);
    Task RecordFetchEndAsync(string name, DateTimeOffset at, string? error, DateTimeOffset nextFetch, CancellationToken ct = default);

    Task EnqueueFeedbackAsync(string exchange, ExchangeFeedback feedback, CancellationToken ct = default);
    Task<IReadOnlyList<PendingFeedback>> PendingFeedbackAsync(int limit, CancellationToken ct = default);
    /// <summary>Marks an outbox row sent (error null) or failed once more.</summary>
    Task CompleteFeedbackAsync(long id, string? error, CancellationToken ct = default);
}
