using System.Data.Common;
using Safeguard.Banks.Storage;
using Safeguard.Signals;
using Safeguard.Storage;
using Safeguard.Storage.Banks;

namespace Safeguard.Banks.Tests;

/// <summary>
/// A database written by schema version 1 (values indexed as they are), upgraded by opening it:
/// every entry must still be found, and importing the same entries again must add nothing.
/// </summary>
internal static class Version1Upgrade
{
    public static async Task SeedAsync(DbConnection conn, string primaryKey, string integer, IReadOnlyList<EntryRecord> entries)
    {
        async Task Exec(string sql)
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql.Replace("{pk}", primaryKey).Replace("{int}", integer);
            await cmd.ExecuteNonQueryAsync();
        }
        await Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at {int} NOT NULL)");
        foreach (var sql in BankSchema.Migrations.Single(m => m.Version == 1).Statements) await Exec(sql);
        await Exec("INSERT INTO schema_version (version, applied_at) VALUES (1, 0)");
        await Exec("INSERT INTO banks (name, verified, created_at) VALUES ('old', 0, 0)");
        long seq = 0;
        foreach (var e in entries)
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO entries (bank_id, signal_type, value, content_id, added_at, change_seq) " +
                              "SELECT id, @t, @v, @c, 0, @s FROM banks WHERE name = 'old'";
            cmd.Param("@t", e.Type.Name); cmd.Param("@v", e.Value); cmd.Param("@c", e.ContentId); cmd.Param("@s", ++seq);
            await cmd.ExecuteNonQueryAsync();
        }
        await Exec($"UPDATE change_counter SET value = {seq} WHERE id = 1");
    }

    public static async Task CheckAsync(IBankStore store, IReadOnlyList<EntryRecord> entries)
    {
        Assert.Equal(BankSchema.Latest, await store.GetSchemaVersionAsync());
        foreach (var e in entries)
            Assert.Equal(e.ContentId, Assert.Single(await store.FindAsync(e.Type, e.Value, "old")).ContentId);
        // Without metadata, so that every entry is "unchanged" rather than updated.
        var again = await store.ImportAsync("old", entries.Select(e => new EntryRecord(e.Type, e.Value)));
        Assert.Equal(0, again.Added);
        Assert.Equal(entries.Count, again.Unchanged);
    }

    /// <summary>Short image hashes and vPDQ values long enough to be keyed by digest.</summary>
    public static List<EntryRecord> Entries(int longVpdqFrames)
    {
        var rng = new Random(3);
        var list = TestData.Many(12);
        for (int i = 0; i < 3; i++)
        {
            var value = string.Join(";", Enumerable.Range(0, longVpdqFrames).Select(f => $"{TestData.Hex(rng, 64)},100,{f + i:0.000}"));
            list.Add(new EntryRecord(SignalTypes.Vpdq, value) { ContentId = "video" + i });
        }
        return list;
    }
}
