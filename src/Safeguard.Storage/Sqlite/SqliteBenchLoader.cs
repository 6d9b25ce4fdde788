using System.Data.Common;
using Microsoft.Data.Sqlite;
using Safeguard.Banks;
using Safeguard.Storage.Banks;

namespace Safeguard.Storage.Sqlite;

/// <summary>
/// Fills a new, empty SQLite bank with many entries fast, for benchmarks that need a large bank to
/// start from: rows go in as given (ids in input order), with the bank's value indexes dropped
/// during the load and built again from sorted input at the end. Not for real data: it checks nothing.
/// </summary>
public static class SqliteBenchLoader
{
    private static readonly string[] ValueIndexes = ["entries_value_key"];

    public static async Task LoadAsync(SqliteBankStore store, string bank, IEnumerable<EntryRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var conn = await store.Database.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long bankId = await Db.ScalarLongAsync(conn, tx, "SELECT id FROM banks WHERE name = @n", ct, ("@n", bank));
        if (await Db.ScalarLongAsync(conn, tx, "SELECT COUNT(*) FROM entries WHERE bank_id = @b", ct, ("@b", bankId)) > 0)
            throw new BankException($"bank '{bank}' is not empty; the bench loader fills new banks only");
        var definitions = new List<string>();
        foreach (var name in ValueIndexes)
        {
            await using (var find = Db.Command(conn, tx, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = @n", ("@n", name)))
                definitions.Add(await find.ExecuteScalarAsync(ct) as string ?? throw new InvalidOperationException($"index {name} is missing"));
            await Db.ExecAsync(conn, tx, $"DROP INDEX {name}", ct);
        }
        long seq = await Db.ScalarLongAsync(conn, tx, "SELECT value FROM change_counter WHERE id = 1", ct) + 1;
        await using (var insert = Db.Command(conn, tx,
            "INSERT INTO entries (bank_id, signal_type, value, value_key, added_at, disabled, disabled_auto, change_seq) VALUES (@b, @t, @v, @k, @a, 0, 0, @s)"))
        {
            insert.Param("@b", bankId); insert.Param("@a", Db.NowMillis()); insert.Param("@s", seq);
            var t = insert.Param("@t", ""); var v = insert.Param("@v", ""); var k = insert.Param("@k", "");
            insert.Prepare();
            foreach (var r in records)
            {
                t.Value = r.Type.Name; v.Value = r.Value;
                string key = ValueKey.Of(r.Value);
                k.Value = key == r.Value ? DBNull.Value : key;
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
        // Sorting 100M index keys in memory (the store's temp_store) would take ~10 GB: spill to temp files.
        await Db.ExecAsync(conn, tx, "PRAGMA temp_store = FILE", ct);
        foreach (var sql in definitions) await Db.ExecAsync(conn, tx, sql, ct);
        await Db.ExecAsync(conn, tx, "PRAGMA temp_store = MEMORY", ct);
        await Db.ExecAsync(conn, tx, "UPDATE change_counter SET value = @s WHERE id = 1", ct, ("@s", seq));
        await tx.CommitAsync(ct);
    }
}
