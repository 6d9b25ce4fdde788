namespace Safeguard.Exchanges;

/// <summary>What one fetch did.</summary>
public sealed record FetchResult(string Exchange, int Pages, long Added, long Updated, long Withdrawn, long Rejected, string? Error, TimeSpan Elapsed)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs one fetch of one exchange: asks its client for the pages after the stored checkpoint and
/// applies each with its checkpoint in one transaction (<see cref="IExchangeStore.ApplyPageAsync"/>),
/// recording the start, the end, errors and the next fetch time (with backoff) on the status.
/// </summary>
public sealed class ExchangeFetcher(IExchangeStore store, ExchangeContext context)
{
    public IExchangeStore Store { get; } = store;
    public ExchangeContext Context { get; } = context;

    /// <summary>Fetches now. Errors end up in the result and on the status, not thrown (unknown exchange excepted).</summary>
    public Task<FetchResult> FetchAsync(string name, IProgress<FetchResult>? progress = null, CancellationToken ct = default) =>
        throw new NotImplementedException();
}
