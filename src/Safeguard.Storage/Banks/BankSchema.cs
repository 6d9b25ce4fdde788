using System.Data.Common;
using Safeguard.Banks;
using Safeguard.Storage.Migrations;

namespace Safeguard.Storage.Banks;

/// <summary>
/// The bank tables, versioned in <c>schema_version</c>; the same for both databases ("{pk}" and
/// "{int}" are the dialect's types, see <see cref="Database.Sql"/>). Add a migration at the end;
/// never edit an applied one.
/// </summary>
internal static class BankSchema
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1,
        [
            """
            CREATE TABLE banks (
                id {pk},
                name TEXT NOT NULL UNIQUE,
                description TEXT,
                verified INTEGER NOT NULL DEFAULT 0,
                created_at {int} NOT NULL)
            """,
            """
            CREATE TABLE entries (
                id {pk},
                bank_id {int} NOT NULL REFERENCES banks(id) ON DELETE CASCADE,
                signal_type TEXT NOT NULL,
                value TEXT NOT NULL,
                content_id TEXT,
                category {int},
                grade TEXT,
                tags TEXT,
                source_name TEXT,
                source_file TEXT,
                added_at {int} NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                disabled_auto INTEGER NOT NULL DEFAULT 0,
                disabled_reason TEXT,
                change_seq {int} NOT NULL)
            """,
            "CREATE UNIQUE INDEX entries_key ON entries (bank_id, signal_type, value)",
            "CREATE INDEX entries_lookup ON entries (signal_type, value)",
            "CREATE INDEX entries_change ON entries (change_seq, id)",
            "CREATE INDEX entries_bank_order ON entries (bank_id, id)", // keyset pages of one bank
            """
            CREATE TABLE entry_removals (
                entry_id {int} PRIMARY KEY,
                change_seq {int} NOT NULL,
                bank_name TEXT NOT NULL,
                signal_type TEXT NOT NULL,
                value TEXT NOT NULL)
            """,
            "CREATE INDEX entry_removals_change ON entry_removals (change_seq, entry_id)",
            "CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), value {int} NOT NULL)",
            "INSERT INTO change_counter (id, value) VALUES (1, 0)",
        ]),
        // Values are indexed through value_key (see ValueKey), so long vPDQ values fit PostgreSQL.
        new(2,
        [
            "ALTER TABLE entries ADD COLUMN value_key TEXT",
            "DROP INDEX entries_key",
            "DROP INDEX entries_lookup",
            "CREATE UNIQUE INDEX entries_value_key ON entries (bank_id, signal_type, COALESCE(value_key, value))",
            "CREATE INDEX entries_value_lookup ON entries (signal_type, COALESCE(value_key, value))",
        ], After: BackfillValueKeysAsync),
        // Version 1 files written before entries_bank_order joined it lack the index, and every
        // page of a bank would scan the table.
        new(3,
        [
            "CREATE INDEX IF NOT EXISTS entries_bank_order ON entries (bank_id, id)",
        ]),
        // HMA's bank content fields, the coin-flip ratio and the wait before a new entry matches.
        new(4,
        [
            "ALTER TABLE entries ADD COLUMN note TEXT",
            "ALTER TABLE entries ADD COLUMN metadata TEXT",
            "ALTER TABLE entries ADD COLUMN original_media_uri TEXT",
            "ALTER TABLE entries ADD COLUMN disable_until {int}",
            "ALTER TABLE banks ADD COLUMN matching_enabled_ratio DOUBLE PRECISION NOT NULL DEFAULT 1.0",
            "ALTER TABLE banks ADD COLUMN new_entry_wait_hours {int} NOT NULL DEFAULT 0",
        ]),
        // Exchanges: each fills one bank from upstream; its checkpoint is written with each page.
        new(5,
        [
            """
            CREATE TABLE exchanges (
                id {pk},
                name TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                bank_id {int} NOT NULL UNIQUE REFERENCES banks(id) ON DELETE CASCADE,
                settings TEXT NOT NULL,
                enabled INTEGER NOT NULL DEFAULT 1,
                feedback_enabled INTEGER NOT NULL DEFAULT 0,
                interval_seconds {int} NOT NULL,
                created_at {int} NOT NULL)
            """,
            """
            CREATE TABLE exchange_status (
                exchange_id {int} PRIMARY KEY REFERENCES exchanges(id) ON DELETE CASCADE,
                checkpoint TEXT,
                last_fetch {int},
                last_success {int},
                upstream_time {int},
                error TEXT,
                consecutive_failures {int} NOT NULL DEFAULT 0,
                next_fetch {int},
                pages {int} NOT NULL DEFAULT 0,
                added {int} NOT NULL DEFAULT 0,
                updated {int} NOT NULL DEFAULT 0,
                withdrawn {int} NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE exchange_feedback (
                id {pk},
                exchange_id {int} NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
                signal_type TEXT NOT NULL,
                value TEXT NOT NULL,
                verdict TEXT NOT NULL,
                upstream_id TEXT,
                metadata TEXT,
                note TEXT,
                attempts {int} NOT NULL DEFAULT 0,
                last_error TEXT,
                created_at {int} NOT NULL,
                sent_at {int})
            """,
            "CREATE INDEX exchange_feedback_pending ON exchange_feedback (sent_at, id)",
        ]),
        // One bank's change feed (a federation feed) is then an index range, whatever the other banks hold.
        new(6,
        [
            "CREATE INDEX entries_bank_change ON entries (bank_id, change_seq, id)",
            "CREATE INDEX entry_removals_bank_change ON entry_removals (bank_name, change_seq, entry_id)",
        ]),
        // An exchange's initial load past its first entries lands here, in arrival order, and goes
        // into the bank in key order at the end: random-keyed index inserts page after page would
        // rewrite most of the bank's index pages with every page. No foreign key: with one, SQLite
        // empties the table row by row instead of dropping its pages (the exchange's removal clears it).
        new(7,
        [
            "ALTER TABLE exchange_status ADD COLUMN initial_load INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE exchange_status ADD COLUMN pending {int} NOT NULL DEFAULT 0",
            // The last key a merge in ranges committed (null when none is under way).
            "ALTER TABLE exchange_status ADD COLUMN merge_after_type TEXT",
            "ALTER TABLE exchange_status ADD COLUMN merge_after_key TEXT",
            """
            CREATE TABLE exchange_pending (
                ord {pk},
                exchange_id {int} NOT NULL,
                withdrawn INTEGER NOT NULL,
                signal_type TEXT NOT NULL,
                value TEXT NOT NULL,
                value_key {key_text} NOT NULL,
                content_id TEXT,
                category {int},
                grade TEXT,
                tags TEXT,
                note TEXT,
                metadata TEXT,
                original_media_uri TEXT,
                disable_until {int})
            """,
        ]),
        // A value is looked up across banks by probing entries_value_key once per bank (there are few
        // banks): a second copy of every value in an index of its own cost each insert and ~80 bytes.
        new(8,
        [
            "DROP INDEX IF EXISTS entries_value_lookup",
        ]),
        // A random token naming this database, so an index snapshot made from another database is never trusted.
        new(9,
        [
            "CREATE TABLE IF NOT EXISTS store_identity (id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL)",
        ], After: WriteStoreIdentityAsync),
    ];

    public static readonly SchemaDefinition Definition = new("bank", "schema_version", RecordsAppliedAt: true, LockKey: 7460211, Migrations,
        (db, current, latest) => new BankException($"{db.Describe}: database schema version {current} is newer than this program understands ({latest}); upgrade Safeguard"));

    public static int Latest => Definition.Latest;

    private static async Task WriteStoreIdentityAsync(DbConnection conn, DbTransaction tx, CancellationToken ct) =>
        await Db.ExecAsync(conn, tx, "INSERT INTO store_identity (id, token) SELECT 1, @t WHERE NOT EXISTS (SELECT 1 FROM store_identity)", ct, ("@t", Guid.NewGuid().ToString("N")));

    /// <summary>Stores the digest keys of the long values written before version 2.</summary>
    private static async Task BackfillValueKeysAsync(DbConnection conn, DbTransaction tx, CancellationToken ct)
    {
        var keys = new List<(long Id, string Key)>();
        await using (var cmd = Db.Command(conn, tx, $"SELECT id, value FROM entries WHERE length(value) > {ValueKey.MaxInline} OR value LIKE 'sha256:%'"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                if (ValueKey.Stored(r.GetString(1)) is { } key) keys.Add((r.GetInt64(0), key));
        foreach (var (id, key) in keys)
            await Db.ExecAsync(conn, tx, "UPDATE entries SET value_key = @k WHERE id = @i", ct, ("@k", key), ("@i", id));
    }
}
