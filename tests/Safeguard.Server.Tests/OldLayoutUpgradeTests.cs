using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Safeguard.Banks;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Data;
using Safeguard.Storage;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Postgres;
using Safeguard.TestSupport;
using Safeguard.Signals;

namespace Safeguard.Server.Tests;

/// <summary>
/// A database made by the code before the shared migration runner (bank schema 3, server schema 6)
/// opens with the current code: its data still found, the only changes the bank migrations after 3 (the
/// exchange tables) and the later server migrations 7, 8, 10 and 11 (the columns <c>review_items.payments_subject</c>, the review console's claim, group and severity columns, and
/// <c>review_items.sightings</c>, <c>review_media.keyframes</c>) with their version rows; and a fresh
/// database gets exactly the upgraded layout.
/// </summary>
public sealed class OldLayoutUpgradeTests
{
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    [Fact]
    public async Task Sqlite_database_of_the_old_layout_opens_unchanged()
    {
        var old = TestDb.Sqlite();
        Directory.CreateDirectory(Path.GetDirectoryName(old)!);
        await using (var conn = new SqliteConnection($"Data Source={old};Pooling=false"))
        {
            await conn.OpenAsync();
            await OldLayouts.CreateAsync(conn, postgres: false);
        }
        await CheckAsync(old, () => new SqliteConnection($"Data Source={old};Pooling=false"), TestDb.Sqlite(),
            fresh => new SqliteConnection($"Data Source={fresh};Pooling=false"), SqliteLayoutSql);
    }

    [SkippableFact]
    public async Task Postgres_database_of_the_old_layout_opens_unchanged()
    {
        var (oldSchema, old) = await Postgres.CreateSchemaAsync("old_layout_");
        var (freshSchema, fresh) = await Postgres.CreateSchemaAsync("new_layout_");
        try
        {
            await using (var conn = new NpgsqlConnection(old))
            {
                await conn.OpenAsync();
                await OldLayouts.CreateAsync(conn, postgres: true);
            }
            await CheckAsync(old, () => new NpgsqlConnection(old), fresh, _ => new NpgsqlConnection(fresh), PostgresLayoutSql);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Postgres.DropSchemaAsync(oldSchema);
            await Postgres.DropSchemaAsync(freshSchema);
        }
    }

    private static async Task CheckAsync(string old, Func<DbConnection> connectOld, string fresh, Func<string, DbConnection> connectFresh, string layoutSql)
    {
        string secret = "sg_" + new string('q', 43);
        await using (var conn = connectOld())
        {
            await conn.OpenAsync();
            await Exec(conn, "INSERT INTO banks (name, verified, created_at) VALUES ('old', 0, 1)");
            await Exec(conn, $"INSERT INTO entries (bank_id, signal_type, value, content_id, added_at, change_seq) SELECT id, 'pdq', '{Pdq}', 'c1', 1, 1 FROM banks");
            await Exec(conn, "UPDATE change_counter SET value = 1 WHERE id = 1");
            await Exec(conn, $"INSERT INTO api_keys (name, prefix, secret_hash, roles, created_at) VALUES ('old', '{secret[..11]}', '{ApiKeyStore.HashSecret(secret)}', 'matcher', 1)");
        }
        var before = await LayoutAsync(connectOld(), layoutSql);
        Assert.Contains("review_items", before);

        await using (var banks = await BankStores.OpenAsync(old))
        await using (var db = await ServerDb.OpenAsync(old))
        {
            Assert.Equal(BankSchema.Latest, await banks.GetSchemaVersionAsync());
            Assert.Equal(14, await db.ScalarAsync("SELECT MAX(version) FROM server_schema_version"));
            Assert.Equal("c1", Assert.Single(await banks.FindAsync(SignalTypes.Pdq, Pdq, "old")).ContentId);
            var again = await banks.ImportAsync("old", [new EntryRecord(SignalTypes.Pdq, Pdq)]);
            Assert.Equal(0, again.Added);
            Assert.Equal(1, again.Unchanged);
            var keys = new ApiKeyStore(db, new AuditLog(db));
            Assert.Equal("old", (await keys.AuthenticateAsync(secret))?.Name);
            if (db.IsPostgres)
            {
                // One connection pool for the database, whoever opened it.
                var bankPool = ((PostgresDatabase)((SqlBankStore)banks).Database).DataSource;
                Assert.Same(bankPool, ((PostgresDatabase)db.Database).DataSource);
            }
        }
        var after = await LayoutAsync(connectOld(), layoutSql);
        Assert.Equal(WithoutRows(before, "entries_value_lookup"),
            WithoutRows(WithoutFederation(WithoutExchanges(WithoutParity(WithoutMigration11(WithoutLaterMigrations(WithoutMigration8(after)))))), "store_identity"));
        Assert.Contains("payments_subject", after);
        Assert.Contains("sightings", after);
        await using (var conn = connectOld())
        {
            await conn.OpenAsync();
            Assert.Equal(BankSchema.Migrations.Count, await Db.ScalarLongAsync(conn, null, "SELECT COUNT(*) FROM schema_version", default));
            Assert.Equal(13, await Db.ScalarLongAsync(conn, null, "SELECT COUNT(*) FROM server_schema_version", default)); // 1..8 and 10..14
        }

        // A database the current code creates from nothing has the layout the upgraded old one has.
        await using (await BankStores.OpenAsync(fresh))
        await using (await ServerDb.OpenAsync(fresh)) { }
        Assert.Equal(after, await LayoutAsync(connectFresh(fresh), layoutSql));
    }

    /// <summary>The layout as it was before server migrations 7 and 10 added <c>review_items.payments_subject</c> and <c>review_items.sightings</c>.</summary>
    private static string WithoutLaterMigrations(string layout) =>
        string.Join("\n", System.Text.RegularExpressions.Regex.Replace(layout.Replace(", payments_subject TEXT", "", StringComparison.Ordinal), ", sightings [A-Z]+ NOT NULL DEFAULT 1", "")
            .Split('\n')
            .Where(line => !line.StartsWith("column review_items.payments_subject ", StringComparison.Ordinal) && !line.StartsWith("column review_items.sightings ", StringComparison.Ordinal)));

    /// <summary>The layout as it was before bank migration 4 (entry fields, matching ratio) and server migration 12 (flood control).</summary>
    private static string WithoutParity(string layout)
    {
        string[] entryColumns = ["note", "metadata", "original_media_uri", "disable_until"], bankColumns = ["matching_enabled_ratio", "new_entry_wait_hours"];
        // SQLite appends added columns to the table's text.
        layout = layout.Replace(", note TEXT, metadata TEXT, original_media_uri TEXT, disable_until INTEGER)", ")", StringComparison.Ordinal)
            .Replace(", matching_enabled_ratio DOUBLE PRECISION NOT NULL DEFAULT 1.0, new_entry_wait_hours INTEGER NOT NULL DEFAULT 0)", ")", StringComparison.Ordinal);
        // SQLite's text of the alerts table spans lines: drop it whole.
        layout = System.Text.RegularExpressions.Regex.Replace(layout, @"table admin_alerts admin_alerts CREATE TABLE admin_alerts \([^)]*\)\n", "");
        return string.Join("\n", layout.Split('\n').Where(line =>
            !line.Contains("entry_hits", StringComparison.Ordinal) && !line.Contains("admin_alerts", StringComparison.Ordinal)
            && !entryColumns.Any(c => line.StartsWith($"column entries.{c} ", StringComparison.Ordinal))
            && !bankColumns.Any(c => line.StartsWith($"column banks.{c} ", StringComparison.Ordinal))));
    }

    /// <summary>
    /// The layout without the rows naming <paramref name="name"/>: bank migration 8 dropped the
    /// entries_value_lookup index and migration 9 added the store_identity table.
    /// </summary>
    private static string WithoutRows(string layout, string name) =>
        string.Join("\n", System.Text.RegularExpressions.Regex.Split(layout, "\n(?=(?:table|index|column|constraint) )")
            .Where(row => !row.Contains(name, StringComparison.Ordinal)));

    /// <summary>The layout as it was before bank migration 6 (one bank's change feed) and server migration 13 (feed grants and feedback).</summary>
    private static string WithoutFederation(string layout) =>
        string.Join("\n", System.Text.RegularExpressions.Regex.Split(layout, "\n(?=(?:table|index|column|constraint) )")
            .Where(row => !row.Contains("feed_grants", StringComparison.Ordinal) && !row.Contains("feed_feedback", StringComparison.Ordinal)
                && !row.Contains("crawl_requests", StringComparison.Ordinal) // server migration 14: the service's crawl requests
                && !row.Contains("_bank_change", StringComparison.Ordinal)));

    /// <summary>The layout as it was before bank migration 5 added the exchange tables.</summary>
    private static string WithoutExchanges(string layout) =>
        string.Join("\n", System.Text.RegularExpressions.Regex.Split(layout, "\n(?=(?:table|index|column|constraint) )")
            .Where(row => !row.Contains("exchange", StringComparison.Ordinal)));

    /// <summary>The layout as it was before server migration 11 added <c>review_media.keyframes</c>.</summary>
    private static string WithoutMigration11(string layout) =>
        string.Join("\n", System.Text.RegularExpressions.Regex.Replace(layout, ", keyframes [A-Z]+", "").Split('\n')
            .Where(line => !line.StartsWith("column review_media.keyframes ", StringComparison.Ordinal)));

    /// <summary>The layout as it was before server migration 8 added the review console's claim, group and severity columns.</summary>
    private static string WithoutMigration8(string layout)
    {
        string[] columns = ["claimed_by", "claimed_until", "group_key", "severity"];
        foreach (var c in columns) layout = System.Text.RegularExpressions.Regex.Replace(layout, $", {c} [A-Z]+( NOT NULL DEFAULT 0)?", "");
        return string.Join("\n", layout.Split('\n').Where(line => !line.Contains("review_items_group", StringComparison.Ordinal)
            && !columns.Any(c => line.StartsWith($"column review_items.{c} ", StringComparison.Ordinal))));
    }

    private const string SqliteLayoutSql =
        "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name";

    private const string PostgresLayoutSql =
        "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, '') || ' ' || COALESCE(is_identity, '') " +
        "FROM information_schema.columns WHERE table_schema = current_schema() " +
        "UNION ALL SELECT 'index ' || tablename || ' ' || replace(indexdef, current_schema() || '.', '') FROM pg_indexes WHERE schemaname = current_schema() " +
        "UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace " +
        "ORDER BY 1";

    private static async Task<string> LayoutAsync(DbConnection conn, string sql)
    {
        await using (conn)
        {
            await conn.OpenAsync();
            await using var cmd = Db.Command(conn, null, sql);
            await using var r = await cmd.ExecuteReaderAsync();
            var lines = new List<string>();
            while (await r.ReadAsync()) lines.Add(r.GetString(0));
            return string.Join("\n", lines);
        }
    }

    private static Task<int> Exec(DbConnection conn, string sql) => Db.ExecAsync(conn, null, sql, default);
}
