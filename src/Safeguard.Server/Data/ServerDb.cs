using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Safeguard.Banks.Storage;

namespace Safeguard.Server.Data;

/// <summary>
/// The server's own tables (keys, sessions, review items, audit log) in the bank database, with
/// their own version table (<c>server_schema_version</c>) so they never collide with the bank schema.
/// </summary>
public sealed class ServerDb : IAsyncDisposable
{
    private readonly string? _sqlite;
    private readonly NpgsqlDataSource? _pg;

    public bool IsPostgres => _pg is not null;

    /// <summary>Opened by <see cref="OpenReadOnlyAsync"/>: no migrations, and the engine refuses every write.</summary>
    public bool IsReadOnly { get; }

    private ServerDb(string? sqlite, NpgsqlDataSource? pg, bool readOnly = false) { _sqlite = sqlite; _pg = pg; IsReadOnly = readOnly; }

    public static async Task<ServerDb> OpenAsync(string db, CancellationToken ct = default)
    {
        ServerDb result;
        if (ConnectionStrings.IsPostgres(db))
            result = new ServerDb(null, NpgsqlDataSource.Create(ConnectionStrings.ToNpgsql(db)));
        else
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(db));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            var cs = new SqliteConnectionStringBuilder { DataSource = db, Pooling = true, ForeignKeys = true, DefaultTimeout = 30 }.ToString();
            result = new ServerDb(cs, null);
        }
        await ServerSchema.MigrateAsync(result, ct);
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
            return Task.FromResult(new ServerDb(null, NpgsqlDataSource.Create(b.ConnectionString), readOnly: true));
        }
        if (Directory.Exists(db)) throw new IOException($"{db} is a directory, not a database file");
        if (!File.Exists(db)) throw new FileNotFoundException($"no database at {db}", db);
        var cs = new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString();
        return Task.FromResult(new ServerDb(cs, null, readOnly: true));
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_pg is not null) return await _pg.OpenConnectionAsync(ct);
        var conn = new SqliteConnection(_sqlite);
        await conn.OpenAsync(ct);
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = IsReadOnly ? "PRAGMA busy_timeout = 30000; PRAGMA query_only = 1" : "PRAGMA busy_timeout = 30000";
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return conn;
    }

    /// <summary>A write transaction that excludes other writers (BEGIN IMMEDIATE in SQLite).</summary>
    public static async Task<DbTransaction> BeginWriteAsync(DbConnection conn, CancellationToken ct = default) =>
        conn is SqliteConnection s ? s.BeginTransaction(deferred: false) : await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

    /// <summary>
    /// A transaction that reads one consistent snapshot (the chain and its head agree even while a server
    /// appends), and in PostgreSQL is declared read-only.
    /// </summary>
    public static async Task<DbTransaction> BeginSnapshotAsync(DbConnection conn, CancellationToken ct = default)
    {
        if (conn is SqliteConnection s) return s.BeginTransaction(deferred: true);
        var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var ro = Command(conn, tx, "SET TRANSACTION READ ONLY");
        await ro.ExecuteNonQueryAsync(ct);
        return tx;
    }

    /// <summary>Whether every named table exists (in PostgreSQL, on the search path).</summary>
    public async Task<bool> HasTablesAsync(DbConnection conn, DbTransaction? tx, params string[] tables)
    {
        foreach (var t in tables)
        {
            await using var cmd = Command(conn, tx, IsPostgres
                ? "SELECT CASE WHEN to_regclass(@t) IS NULL THEN 0 ELSE 1 END"
                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t", ("@t", t));
            if (Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 0) return false;
        }
        return true;
    }

    /// <summary>Dialect placeholders: {pk} auto-increment key, {int} 64-bit integer, {blob} bytes, {random_id} 32 random hex digits.</summary>
    public string Sql(string sql) => IsPostgres
        ? sql.Replace("{pk}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY").Replace("{int}", "BIGINT").Replace("{blob}", "BYTEA")
            .Replace("{random_id}", "replace(gen_random_uuid()::text, '-', '')")
        : sql.Replace("{pk}", "INTEGER PRIMARY KEY AUTOINCREMENT").Replace("{int}", "INTEGER").Replace("{blob}", "BLOB")
            .Replace("{random_id}", "lower(hex(randomblob(16)))");

    public static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            // A null leaves the type unset so PostgreSQL infers it from the column.
            if (value is not null) p.DbType = value switch { long or int => DbType.Int64, byte[] => DbType.Binary, _ => DbType.String };
            p.Value = value switch { null => DBNull.Value, int i => (long)i, _ => value };
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    public async Task<int> ExecAsync(string sql, params (string, object?)[] args)
    {
        await using var conn = await OpenAsync();
        await using var cmd = Command(conn, null, sql, args);
        return await cmd.ExecuteNonQueryAsync();
    }

    public async Task<long?> ScalarAsync(string sql, params (string, object?)[] args)
    {
        await using var conn = await OpenAsync();
        await using var cmd = Command(conn, null, sql, args);
        var r = await cmd.ExecuteScalarAsync();
        return r is null or DBNull ? null : Convert.ToInt64(r, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, params (string, object?)[] args)
    {
        await using var conn = await OpenAsync();
        await using var cmd = Command(conn, null, sql, args);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(map(r));
        return list;
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        if (_pg is not null) await _pg.DisposeAsync();
        if (_sqlite is not null) SqliteConnection.ClearAllPools();
    }
}

internal static class ReaderExtensions
{
    public static string? Str(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long? Long(this DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
}
