using Safeguard.Banks.Storage;
using Safeguard.Engine.Index;

namespace Safeguard.Server.Index;

public sealed record IndexStatus(bool Ready, long Entries, long ChangeSeq, DateTimeOffset? LastRefresh, string? LastError);

/// <summary>
/// The engine's <see cref="BankIndex"/> over every bank, loaded once, then kept current from the
/// store's change feed in place (by <see cref="IndexFollower"/> and after writes through this node).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its AvailableWaitHandle is used, and it never is here.")]
public sealed class LiveIndex(IBankStore store, ServerOptions options)
{
    private BankIndex? _index;
    private readonly SemaphoreSlim _load = new(1, 1);
    private DateTimeOffset? _lastRefresh;
    private string? _lastError;

    /// <summary>The index, or null before the first load.</summary>
    public BankIndex? Current => Volatile.Read(ref _index);

    public IndexStatus Status
    {
        get
        {
            var index = Current;
            return new IndexStatus(index is not null, index?.Count ?? 0, index?.AppliedChangeSeq ?? 0, _lastRefresh, _lastError);
        }
    }

    /// <summary>Applies the change feed now (after a write through this node).</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        try
        {
            if (Current is { } index) await index.RefreshAsync(ct);
            else
            {
                await _load.WaitAsync(ct);
                try { _index ??= await BankIndex.LoadAsync(store, null, new BankIndexOptions { TmkFeatureBudgetBytes = options.TmkFeatureBudgetBytes }, ct); }
                finally { _load.Release(); }
            }
            _lastRefresh = DateTimeOffset.UtcNow;
            _lastError = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _lastError = ex.Message;
            throw;
        }
    }
}
