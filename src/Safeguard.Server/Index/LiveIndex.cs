using Safeguard.Banks.Storage;
using Microsoft.Extensions.Logging;
using Safeguard.Engine.Index;
using Safeguard.Matching;

namespace Safeguard.Server.Index;

public sealed record IndexStatus(bool Ready, long Entries, long ChangeSeq, DateTimeOffset? LastRefresh, string? LastError);

/// <summary>
/// The engine's <see cref="BankIndex"/> over every bank, loaded once, then kept current from the
/// store's change feed in place (by <see cref="IndexFollower"/> and after writes through this node).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its AvailableWaitHandle is used, and it never is here.")]
public sealed partial class LiveIndex(IBankStore store, ServerOptions options, ILogger<LiveIndex> log)
{
    // After a start from a snapshot, this share of changes caught up makes a new snapshot worth writing.
    private const double ResnapshotShare = 0.01;
    private Task? _snapshotWrite;

    /// <summary>The snapshot being written after the load, if any (tests wait for it).</summary>
    public Task SnapshotWrite => _snapshotWrite ?? Task.CompletedTask;

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
                try
                {
                    if (_index is null)
                    {
                        string? snapshot = options.ResolveIndexSnapshot();
                        long? hugeBefore = HugePages.ProcessBytes();
                        var loaded = await BankIndex.LoadAsync(store, null,
                            new BankIndexOptions { TmkFeatureBudgetBytes = options.TmkFeatureBudgetBytes, SnapshotPath = snapshot }, ct);
                        Volatile.Write(ref _index, loaded);
                        string hugeShare = HugePages.DescribeShare(hugeBefore, HugePages.ProcessBytes(), loaded.PdqTableBytes);
                        LogLoaded(loaded.Count, loaded.LoadedFrom ?? "the database", hugeShare);
                        if (snapshot is not null
                            && (loaded.SnapshotRejected is not null || loaded.ChangesAppliedAtLoad > Math.Max(1000, loaded.PdqCount * ResnapshotShare)))
                            _snapshotWrite = Task.Run(() => WriteSnapshotAsync(loaded, snapshot), CancellationToken.None);
                    }
                }
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

    private async Task WriteSnapshotAsync(BankIndex index, string path)
    {
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await index.SaveSnapshotAsync(path);
            LogSnapshotWritten(path, clock.Elapsed.TotalSeconds);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The service carries on without a snapshot (a shutdown can also close the store under it): the next start rebuilds.
            LogSnapshotFailed(path, ex.Message);
        }
    }

    // At 100M entries, tables on 4 KB pages cost a fifth of the lookup rate: the share tells an operator why.
    [LoggerMessage(Level = LogLevel.Information, Message = "index: {Count} entries loaded, PDQ from {Source}; PDQ tables on 2 MB pages: {HugeShare}")]
    private partial void LogLoaded(int count, string source, string hugeShare);

    [LoggerMessage(Level = LogLevel.Information, Message = "index: snapshot written to {Path} in {Seconds:F1} s")]
    private partial void LogSnapshotWritten(string path, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "index: cannot write the snapshot {Path}: {Reason}")]
    private partial void LogSnapshotFailed(string path, string reason);
}
