using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Safeguard.Banks;
using Safeguard.Storage.Banks;

namespace Safeguard.Storage.Postgres;

/// <summary>Banks in a PostgreSQL database (tables in the connection's search path).</summary>
public sealed class PostgresBankStore : SqlBankStore
{
    private PostgresBankStore(string connectionString) : base(new PostgresDatabase(connectionString)) { }

    /// <summary>Connects with an Npgsql connection string or a postgres:// URI and brings the schema up to date.</summary>
    public static async Task<PostgresBankStore> OpenAsync(string connection, CancellationToken ct = default)
    {
        var store = new PostgresBankStore(ConnectionStrings.ToNpgsql(connection));
        try
        {
            await store.MigrateAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await store.DisposeAsync();
            throw new BankException($"{store.Describe}: cannot use the database: {ex.Message}", ex);
        }
        return store;
    }

    public override string Kind => "postgresql";
    protected override string ExplainPrefix => "EXPLAIN ";

    // The row lock on the counter serialises writers, so change sequences commit in order and a
    // poller reading "changes since N" never misses a transaction that commits late.
    protected override string LockCounterSql => "SELECT value FROM change_counter WHERE id = 1 FOR UPDATE";

    protected override async Task<long> StageAsync(DbConnection conn, DbTransaction tx, IEnumerable<EntryRecord> records, CancellationToken ct)
    {
        await Db.ExecAsync(conn, tx,
            "CREATE TEMP TABLE staging (ord BIGINT, signal_type TEXT NOT NULL, value TEXT NOT NULL, value_key TEXT NOT NULL, content_id TEXT, category BIGINT, grade TEXT, tags TEXT, " +
            "note TEXT, metadata TEXT, original_media_uri TEXT, disable_until BIGINT) ON COMMIT DROP", ct);
        long n = 0;
        var pg = (NpgsqlConnection)conn;
        await using (var copy = await pg.BeginBinaryImportAsync("COPY staging (ord, signal_type, value, value_key, content_id, category, grade, tags, note, metadata, original_media_uri, disable_until) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var rec in records)
            {
                if ((++n & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
                copy.StartRow();
                copy.Write(n, NpgsqlDbType.Bigint);
                copy.Write(rec.Type.Name, NpgsqlDbType.Text);
                copy.Write(rec.Value, NpgsqlDbType.Text);
                copy.Write(ValueKey.Of(rec.Value), NpgsqlDbType.Text);
                WriteNullable(copy, rec.ContentId);
                if (rec.Category is int k) copy.Write((long)k, NpgsqlDbType.Bigint); else copy.WriteNull();
                WriteNullable(copy, rec.Grade);
                WriteNullable(copy, Tags.Join(rec.Tags));
                WriteNullable(copy, rec.Note);
                WriteNullable(copy, EntryFields.MetadataToJson(rec.Metadata));
                WriteNullable(copy, rec.OriginalMediaUri);
                if (rec.DisableUntil is { } until) copy.Write(until.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint); else copy.WriteNull();
            }
            await copy.CompleteAsync(ct);
        }
        await Db.ExecAsync(conn, tx, "CREATE INDEX ON staging (signal_type, value_key)", ct);
        // First occurrence wins, as in SQLite (where value_key is unique within staging).
        await Db.ExecAsync(conn, tx,
            "DELETE FROM staging a USING staging b WHERE a.signal_type = b.signal_type AND a.value_key = b.value_key AND a.ord > b.ord", ct);
        await Db.ExecAsync(conn, tx, "ANALYZE staging", ct); // temp tables are never auto-analysed
        return n;
    }

    private static void WriteNullable(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null) copy.WriteNull(); else copy.Write(value, NpgsqlDbType.Text);
    }

    protected override Task DropStagingAsync(DbConnection conn, DbTransaction tx, CancellationToken ct) =>
        Db.ExecAsync(conn, tx, "DROP TABLE staging", ct);
}
