using Npgsql;
using Safeguard.Storage;

namespace Safeguard.Server.Exchanges;

/// <summary>
/// Which process of those sharing a database fetches exchanges on schedule: the one holding a
/// lock that dies with it. <see cref="TryHoldAsync"/> is called before each round; it keeps the
/// lock while it lasts and tries to take it when not held.
/// </summary>
public abstract class FetchLeadership : IAsyncDisposable
{
    public abstract Task<bool> TryHoldAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    public static FetchLeadership For(string db) => ConnectionStrings.IsPostgres(db)
        ? new PostgresFetchLeadership(ConnectionStrings.ToNpgsql(db))
        : new FileFetchLeadership(Path.GetFullPath(db) + ".exchange-fetch.lock");
}

/// <summary>
/// PostgreSQL: a session-level <c>pg_try_advisory_lock</c> on a dedicated, unpooled connection.
/// The server releases it when that connection ends, so a killed or cut-off leader frees it.
/// The key names the schema, so databases sharing a server by schema elect separately.
/// </summary>
public sealed class PostgresFetchLeadership(string connectionString) : FetchLeadership
{
    /// <summary>First half of the two-part advisory key ("SG" + "EX"); the second is the schema's hash.</summary>
    private const int LockClass = 0x5347_4558;

    private NpgsqlConnection? _held;

    public override async Task<bool> TryHoldAsync(CancellationToken ct)
    {
        if (_held is { } conn)
        {
            try
            {
                await using var ping = new NpgsqlCommand("SELECT 1", conn);
                await ping.ExecuteScalarAsync(ct);
                return true;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                // The connection died, and with it the lock: another process may hold it now.
                await ReleaseAsync();
            }
        }
        var b = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 15, ApplicationName = "safeguard exchange fetcher" };
        var fresh = new NpgsqlConnection(b.ConnectionString);
        try
        {
            await fresh.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@c, hashtext(current_schema()))", fresh);
            cmd.Parameters.AddWithValue("c", LockClass);
            if (await cmd.ExecuteScalarAsync(ct) is true)
            {
                _held = fresh;
                return true;
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException)
        {
        }
        await fresh.DisposeAsync();
        return false;
    }

    private async Task ReleaseAsync()
    {
        if (_held is null) return;
        await _held.DisposeAsync();
        _held = null;
    }

    public override async ValueTask DisposeAsync() => await ReleaseAsync();
}

/// <summary>
/// SQLite: an exclusive lock on a file beside the database, held open while leading. The
/// operating system drops it when the process ends, however it ends.
/// </summary>
public sealed class FileFetchLeadership(string path) : FetchLeadership
{
    private FileStream? _held;

    public string Path => path;

    public override Task<bool> TryHoldAsync(CancellationToken ct)
    {
        if (_held is not null) return Task.FromResult(true);
        try
        {
            _held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return Task.FromResult(true);
        }
        catch (IOException)
        {
            return Task.FromResult(false);
        }
        catch (UnauthorizedAccessException)
        {
            return Task.FromResult(false);
        }
    }

    public override ValueTask DisposeAsync()
    {
        _held?.Dispose();
        _held = null;
        return ValueTask.CompletedTask;
    }
}
