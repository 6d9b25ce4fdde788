using System.Data.Common;
using System.Threading.Channels;
using Safeguard.Storage;

namespace Safeguard.Crawl.Frontier;

/// <summary>
/// SQLite takes one writer at a time, and a commit costs far more than the statements in it. Every
/// write of a SQLite frontier is queued here; one loop commits whatever is waiting (claims, completions,
/// links, contents, sightings, problems: up to <see cref="MaxBatch"/>) in one transaction, and each
/// caller's task completes only after that commit, so what a caller was told is done is on disk as
/// before (resume after a kill is unchanged), only with many writers' work per transaction.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    public const int MaxBatch = 512;

    private readonly Database _db;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public GroupCommit(Database db)
    {
        _db = db;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Runs <paramref name="work"/> inside the next group's transaction; completes after the commit.</summary>
    public Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        var write = new Write<T>(work);
        if (!_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqlFrontier), "the frontier is closed");
        return write.Result.Task.WaitAsync(ct);
    }

    private async Task LoopAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var w)) batch.Add(w);
            try
            {
                await CommitAsync(batch);
                foreach (var w in batch) w.Succeed();
            }
            catch (Exception)
            {
                // One write failed, or the commit did: each goes again in a transaction of its own, so only a failing one fails.
                foreach (var w in batch)
                {
                    try
                    {
                        await CommitAsync([w]);
                        w.Succeed();
                    }
                    catch (Exception ex)
                    {
                        w.Fail(ex);
                    }
                }
            }
        }
    }

    private async Task CommitAsync(IReadOnlyList<Write> writes)
    {
        await using var conn = await _db.OpenConnectionAsync();
        await using var tx = await _db.BeginWriteAsync(conn);
        foreach (var w in writes) await w.RunAsync(conn, tx);
        await tx.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private abstract class Write
    {
        public abstract Task RunAsync(DbConnection conn, DbTransaction tx);
        public abstract void Succeed();
        public abstract void Fail(Exception ex);
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, Task<T>> work) : Write
    {
        private T? _value;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task RunAsync(DbConnection conn, DbTransaction tx) => _value = await work(conn, tx);

        public override void Succeed() => Result.TrySetResult(_value!);

        public override void Fail(Exception ex) => Result.TrySetException(ex);
    }
}
