using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Safeguard.Storage;
using Safeguard.Storage.Migrations;
using Safeguard.Storage.Postgres;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Server.Data;

/// <summary>
/// The server's own tables (keys, sessions, review items, audit log) in the bank database, with
/// their own version table (<c>server_schema_version</c>) so they never collide with the bank schema.
/// Connections, commands and migrations are the shared ones of <see cref="Safeguard.Storage"/>; on
/// PostgreSQL the connection pool is the one the bank store of the same database uses.
/// </summary>
public sealed class ServerDb : IAsyncDisposable
{
    private readonly Database _database;

    public bool IsPostgres => _database.IsPostgres;

    /// <summary>The shared database underneath (tests check that the bank store and the server share one pool).</summary>
    internal Database Database => _database;

    /// <summary>Opened by <see cref="OpenReadOnlyAsync"/>: no migrations, and the engine refuses every write.</summary>
    public bool IsReadOnly { get; }

    private ServerDb(Database database, bool readOnly = false) { _database = database; IsReadOnly = readOnly; }

    public static async Task<ServerDb> OpenAsync(string db, CancellationToken ct = default)
    {
        ServerDb result;
        if (ConnectionStrings.IsPostgres(db))
            result = new ServerDb(new PostgresDatabase(ConnectionStrings.ToNpgsql(db)));
        else
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(db));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            var cs = new SqliteConnectionStringBuilder { DataSource = db, Pooling = true, ForeignKeys = true, DefaultTimeout = 30 }.ToString();
            result = new ServerDb(new SqliteDatabase(db, cs, "PRAGMA busy_timeout = 30000"));
        }
        try
        {
            await MigrationRunner.MigrateAsync(result._database, ServerSchema.Definition, ct);
        }
        catch
        {
            await result.DisposeAsync();
            throw;
        }
        return result;
    }

    /// <summary>
    /// A database to inspect without changing it (audit verification): a SQLite file that must already
    /// exist, opened with Mode=ReadOnly; a PostgreSQL session whose transactions are all read-only.
    /// Creates nothing: no directory, no file, no table.
    /// </summary>
    public static Task<ServerDb> OpenReadOnlyAsync(string db)
    {
        if (ConnectionStrings.IsPostgres(db))
        {
            var b = new NpgsqlConnectionStringBuilder(ConnectionStrings.ToNpgsql(db));
            b.Options = ((b.Options ?? "") + " -c default_transaction_read_only=on").Trim();
            return Task.FromResult(new ServerDb(new PostgresDatabase(b.ConnectionString), readOnly: true));
        }
        if (Directory.Exists(db)) throw new IOException($"{db} is a directory, not a database file");
        if (!File.Exists(db)) throw new FileNotFoundException($"no database at {db}", db);
        var cs = new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString();
        return Task.FromResult(new ServerDb(new SqliteDatabase(db, cs, "PRAGMA busy_timeout = 30000; PRAGMA query_only = 1"), readOnly: true));
    }

    public Task<DbConnection> OpenAsync(CancellationToken ct = default) => _database.OpenConnectionAsync(ct);

    /// <summary>A write transaction that excludes other writers (BEGIN IMMEDIATE in SQLite).</summary>
    public Task<DbTransaction> BeginWriteAsync(DbConnection conn, CancellationToken ct = default) => _database.BeginWriteAsync(conn, ct);

    /// <summary>
    /// Holds a lock on <paramref name="key"/> until <paramref name="tx"/> ends, so writers of the same key
    /// take turns across nodes (a PostgreSQL advisory lock; SQLite's write transaction already excludes every other writer).
    /// </summary>
    public Task LockAsync(DbConnection conn, DbTransaction tx, long key, CancellationToken ct = default) => _database.LockAsync(conn, tx, key, ct);

    /// <summary>
    /// A transaction that reads one consistent snapshot (the chain and its head agree even while a server
    /// appends), and in PostgreSQL is declared read-only.
    /// </summary>
    public static async Task<DbTransaction> BeginSnapshotAsync(DbConnection conn, CancellationToken ct = default)
    {
        if (conn is SqliteConnection s) return s.BeginTransaction(deferred: true);
        var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await Db.ExecAsync(conn, tx, "SET TRANSACTION READ ONLY", ct);
        return tx;
    }

    /// <summary>Whether every named table exists (in PostgreSQL, on the search path).</summary>
    public Task<bool> HasTablesAsync(DbConnection conn, DbTransaction? tx, params string[] tables) => _database.HasTablesAsync(conn, tx, tables);

    /// <summary>Expands the dialect placeholders (see <see cref="Database.Sql"/>).</summary>
    public string Sql(string sql) => _database.Sql(sql);

    public async Task<int> ExecAsync(string sql, params (string, object?)[] args)
    {
        await using var conn = await OpenAsync();
        return await Db.ExecAsync(conn, null, sql, default, args);
    }

    public async Task<long?> ScalarAsync(string sql, params (string, object?)[] args)
    {
        await using var conn = await OpenAsync();
        return await Db.ScalarAsync(conn, null, sql, default, args);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, params (string, object?)[] args)
    {
        await using var conn = await OpenAsync();
        await using var cmd = Db.Command(conn, null, sql, args);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(map(r));
        return list;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
