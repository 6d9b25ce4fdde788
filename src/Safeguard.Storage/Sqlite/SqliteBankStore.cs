using System.Data.Common;
using Microsoft.Data.Sqlite;
using Safeguard.Banks;
using Safeguard.Storage.Banks;

namespace Safeguard.Storage.Sqlite;

/// <summary>Banks in one embedded SQLite file (WAL mode).</summary>
public sealed class SqliteBankStore : SqlBankStore
{
    // WAL lets readers run during an import; NORMAL sync is durable at checkpoints and far faster.
    private const string Pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; " +
                                   "PRAGMA busy_timeout = 30000; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;";

    public string Path { get; }

    private SqliteBankStore(string path)
        : base(new SqliteDatabase(path, new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 }.ToString(), Pragmas))
    {
        Path = path;
    }

    /// <summary>Opens (creating when missing) the database file and brings its schema up to date.</summary>
    public static async Task<SqliteBankStore> OpenAsync(string path, CancellationToken ct = default)
    {
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var store = new SqliteBankStore(full);
        try
        {
            await store.MigrateAsync(ct);
        }
        catch (SqliteException ex)
        {
            throw new BankException($"{full}: cannot open as a Safeguard database: {ex.Message}", ex);
        }
        return store;
    }

    public override string Kind => "sqlite";
    protected override string ExplainPrefix => "EXPLAIN QUERY PLAN ";
    protected override string LockCounterSql => "SELECT value FROM change_counter WHERE id = 1";

    protected override async Task<long> StageAsync(DbConnection conn, DbTransaction tx, IEnumerable<EntryRecord> records, CancellationToken ct)
    {
        // value_key has no declared type: a TEXT column would lend its affinity to comparisons
        // with COALESCE(value_key, value), and SQLite would then not use the index on that expression.
        await Db.ExecAsync(conn, tx,
            "CREATE TEMP TABLE IF NOT EXISTS staging (ord INTEGER PRIMARY KEY, signal_type TEXT NOT NULL, value TEXT NOT NULL, value_key NOT NULL, " +
            "content_id TEXT, category INTEGER, grade TEXT, tags TEXT, note TEXT, metadata TEXT, original_media_uri TEXT, disable_until INTEGER)", ct);
        // One row per key, through an index on an expression the import's joins do not use: with a
        // plain (signal_type, value_key) index SQLite, which has no statistics for this table, walks
        // the whole bank and probes staging for each entry, and an import into a large bank crawls.
        await Db.ExecAsync(conn, tx, "CREATE UNIQUE INDEX IF NOT EXISTS temp.staging_key ON staging (signal_type || ' ' || value_key)", ct);
        await Db.ExecAsync(conn, tx, "DELETE FROM staging", ct);
        await using var cmd = Db.Command(conn, tx,
            "INSERT INTO staging (ord, signal_type, value, value_key, content_id, category, grade, tags, note, metadata, original_media_uri, disable_until) " +
            $"VALUES (@o, {EntryRecordParameters.Names}) ON CONFLICT DO NOTHING");
        var o = cmd.Param("@o", 0L);
        var row = new EntryRecordParameters(cmd);
        cmd.Prepare();
        long n = 0;
        foreach (var rec in records)
        {
            if ((++n & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
            o.Value = n;
            row.Bind(rec, ValueKey.Of(rec.Value));
            cmd.ExecuteNonQuery();
        }
        return n;
    }

    /// <summary>
    /// Straight into exchange_pending, without staging: the merge settles keys that repeat across pages by
    /// arrival order; within the page the first of a repeated key stands, as staging keeps it.
    /// </summary>
    internal override async Task<(long Read, long Appended)> AppendPendingRowsAsync(DbConnection conn, DbTransaction tx, long exchangeId,
        IEnumerable<EntryRecord> checkedRecords, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx,
            $"INSERT INTO exchange_pending (exchange_id, withdrawn, {PendingColumns}) VALUES (@x, 0, {EntryRecordParameters.Names})");
        cmd.Param("@x", exchangeId);
        var row = new EntryRecordParameters(cmd);
        cmd.Prepare();
        var seen = new HashSet<(string Type, string Key)>();
        long read = 0, appended = 0;
        foreach (var rec in checkedRecords)
        {
            if ((++read & 0xFFF) == 0) ct.ThrowIfCancellationRequested();
            var key = ValueKey.Of(rec.Value);
            if (!seen.Add((rec.Type.Name, key))) continue;
            row.Bind(rec, key);
            cmd.ExecuteNonQuery();
            appended++;
        }
        return (read, appended);
    }

    protected override Task DropStagingAsync(DbConnection conn, DbTransaction tx, CancellationToken ct) =>
        Db.ExecAsync(conn, tx, "DELETE FROM staging", ct);
}
