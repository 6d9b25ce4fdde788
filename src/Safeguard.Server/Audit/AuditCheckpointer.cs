using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Safeguard.Server.Audit;

/// <summary>
/// Signs checkpoints of the audit log and appends them to the checkpoint file. Each new checkpoint must
/// extend the previous one (the log still holds its entry and hash, and links on from there), so a log
/// cut back and re-headed is refused rather than signed.
/// </summary>
public sealed class AuditCheckpointer : IDisposable
{
    private readonly AuditLog _log;
    private readonly AuditSigningKey _key;
    private readonly SemaphoreSlim _one = new(1, 1);
    private AuditCheckpoint? _last;
    private bool _lastLoaded;

    public AuditCheckpointer(AuditLog log, AuditSigningKey key, string path)
    {
        _log = log;
        _key = key;
        FilePath = path;
    }

    public string FilePath { get; }
    public AuditPublicKey PublicKey => _key.Public;

    /// <summary>Signs the current head and appends it to the file (fsync'd) before returning it.</summary>
    public async Task<AuditCheckpoint> CreateAsync(CancellationToken ct = default) => (await CreateCoreAsync(onlyIfMoved: false, ct))!;

    /// <summary>A checkpoint when the log grew since the last one, else null.</summary>
    public Task<AuditCheckpoint?> CreateIfMovedAsync(CancellationToken ct = default) => CreateCoreAsync(onlyIfMoved: true, ct);

    private async Task<AuditCheckpoint?> CreateCoreAsync(bool onlyIfMoved, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            var head = await _log.HeadAsync(ct);
            if (!_lastLoaded) { _last = LastInFile(head.LogId); _lastLoaded = true; }
            if (_last is { } last)
            {
                if (onlyIfMoved && head.Seq == last.Seq && head.Hash == last.Hash) return null;
                head = await _log.HeadExtendingAsync(last.Seq, last.Hash, ct);
            }
            if (head.Seq == 0) return onlyIfMoved ? null : throw new InvalidOperationException("the audit log is empty: nothing to checkpoint");
            if (head.LogId.Length != 32) throw new InvalidOperationException("the audit log has no log id (run `safeguard serve` once to upgrade the database)");
            var checkpoint = _key.Sign(head.LogId, head.Seq, head.Hash, DateTimeOffset.UtcNow);
            CheckpointFile.Append(FilePath, checkpoint);
            _last = checkpoint;
            return checkpoint;
        }
        finally { _one.Release(); }
    }

    /// <summary>The newest checkpoint of this log in the file that this key signed; others (other logs, other keys) are skipped.</summary>
    private AuditCheckpoint? LastInFile(string logId)
    {
        if (!File.Exists(FilePath)) return null;
        AuditCheckpoint? last = null;
        foreach (var (_, text) in CheckpointFile.ReadLines(FilePath))
            if (AuditCheckpoint.TryParse(text, out var c, out _) && c!.LogId == logId && _key.Public.Verifies(c) && (last is null || c.Seq >= last.Seq))
                last = c;
        return last;
    }

    public void Dispose()
    {
        _key.Dispose();
        _one.Dispose();
    }
}

/// <summary>Writes a checkpoint every interval when the audit log grew (serve --audit-checkpoint-interval).</summary>
public sealed class AuditCheckpointSchedule(TimeSpan interval, AuditCheckpointer checkpoints, ILogger<AuditCheckpointSchedule> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await checkpoints.CreateIfMovedAsync(stoppingToken) is { } c && log.IsEnabled(LogLevel.Information))
                        log.LogInformation("audit checkpoint written: entry {Seq} to {File}", c.Seq, checkpoints.FilePath);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { throw; }
                catch (Exception ex)
                {
                    // Keep serving; the next tick tries again. A chain that no longer extends the last checkpoint lands here.
                    log.LogError("audit checkpoint failed: {Message}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
