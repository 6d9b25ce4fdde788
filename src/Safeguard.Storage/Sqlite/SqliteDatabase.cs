using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Safeguard.Storage.Sqlite;

/// <summary>A SQLite file; every connection runs <see cref="Pragmas"/> when it opens.</summary>
public sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

    public string Path { get; }
    public string Pragmas { get; }

    public SqliteDatabase(string path, string connectionString, string pragmas)
    {
        Path = path;
        _connectionString = connectionString;
        Pragmas = pragmas;
    }

    public override bool IsPostgres => false;
    public override string Describe => Path;

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(ct);
        return conn;
    }

    // BEGIN IMMEDIATE: takes the write lock now, so writers queue instead of failing later.
    public override Task<DbTransaction> BeginWriteAsync(DbConnection conn, CancellationToken ct = default) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)conn).BeginTransaction(deferred: false));

    // The write lock BEGIN IMMEDIATE took already excludes every other migrating process.
    public override Task LockAsync(DbConnection conn, DbTransaction tx, long key, CancellationToken ct) => Task.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using (var conn = new SqliteConnection(_connectionString)) SqliteConnection.ClearPool(conn);
        return ValueTask.CompletedTask;
    }
}
