using System.Data;
using System.Data.Common;
using Npgsql;

namespace Safeguard.Storage.Postgres;

/// <summary>A PostgreSQL database (tables on the connection's search path), over the process's shared data source.</summary>
public sealed class PostgresDatabase : Database
{
    private readonly PostgresDataSources.Lease _lease;

    /// <param name="connectionString">An Npgsql connection string (see <see cref="ConnectionStrings.ToNpgsql"/>).</param>
    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Describe = $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        _lease = PostgresDataSources.Acquire(builder.ConnectionString);
    }

    public NpgsqlDataSource DataSource => _lease.Source;
    public override bool IsPostgres => true;
    public override string Describe { get; }

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken ct = default) => await _lease.Source.OpenConnectionAsync(ct);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection conn, CancellationToken ct = default) =>
        await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

    // Two nodes starting together: one migrates, the other waits.
    public override Task LockAsync(DbConnection conn, DbTransaction tx, long key, CancellationToken ct) =>
        Db.ExecAsync(conn, tx, "SELECT pg_advisory_xact_lock(@k)", ct, ("@k", key));

    public override ValueTask DisposeAsync() => _lease.DisposeAsync();
}
