using System.Data.Common;

namespace Safeguard.Server.Tests;

/// <summary>
/// The schemas exactly as the releases before Safeguard.Storage created them (bank schema 1-3 from
/// Banks/Storage/Schema.cs, server schema 1-6 from Server/Data/ServerSchema.cs), with the runner they
/// used, so a test can build such a database without the current code.
/// </summary>
internal static class OldLayouts
{
    public static readonly (int Version, string[] Statements)[] Bank =
    [
        (1,
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
        (2,
        [
            "ALTER TABLE entries ADD COLUMN value_key TEXT",
            "DROP INDEX entries_key",
            "DROP INDEX entries_lookup",
            "CREATE UNIQUE INDEX entries_value_key ON entries (bank_id, signal_type, COALESCE(value_key, value))",
            "CREATE INDEX entries_value_lookup ON entries (signal_type, COALESCE(value_key, value))",
        ]),
        // Version 1 files written before entries_bank_order joined it lack the index, and every
        // page of a bank would scan the table.
        (3,
        [
            "CREATE INDEX IF NOT EXISTS entries_bank_order ON entries (bank_id, id)",
        ]),
    ];

    public static readonly (int Version, string[] Statements)[] Server =
    [
        (1,
        [
            """
            CREATE TABLE api_keys (
                id {pk},
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                secret_hash TEXT NOT NULL UNIQUE,
                roles TEXT NOT NULL,
                rate_per_second {int},
                blur_strength {int},
                created_at {int} NOT NULL,
                revoked_at {int})
            """,
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                key_id {int} NOT NULL,
                expires_at {int} NOT NULL)
            """,
            """
            CREATE TABLE review_items (
                id {pk},
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at {int} NOT NULL,
                created_by TEXT,
                file_name TEXT,
                media_type TEXT,
                size {int},
                md5 TEXT, sha1 TEXT, sha256 TEXT, pdq TEXT, pdq_quality {int},
                matches TEXT,
                verified_exact {int} NOT NULL DEFAULT 0,
                conversation TEXT,
                decision TEXT, category TEXT, industry_class TEXT, note TEXT,
                decided_by TEXT, decided_at {int},
                preserved {int} NOT NULL DEFAULT 0,
                has_media {int} NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX review_items_status ON review_items (status, id)",
            "CREATE TABLE review_media (item_id {int} PRIMARY KEY, content {blob} NOT NULL)",
            """
            CREATE TABLE suppressions (
                id {pk},
                bank TEXT NOT NULL,
                signal_type TEXT NOT NULL,
                value TEXT NOT NULL,
                item_id {int},
                created_at {int} NOT NULL,
                UNIQUE (bank, signal_type, value))
            """,
            """
            CREATE TABLE audit_log (
                seq {int} PRIMARY KEY,
                at {int} NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT,
                detail TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL)
            """,
            "CREATE TABLE audit_head (id {int} PRIMARY KEY, seq {int} NOT NULL, hash TEXT NOT NULL)",
            "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '')",
        ]),
        // Repeated lookups of a hash that already awaits review reuse its item.
        (2,
        [
            "CREATE INDEX review_items_pdq ON review_items (pdq)",
            "CREATE INDEX review_items_md5 ON review_items (md5)",
            "CREATE INDEX review_items_sha1 ON review_items (sha1)",
            "CREATE INDEX review_items_sha256 ON review_items (sha256)",
        ]),
        // What the held media is when it is not the uploaded file (a video's frame).
        (3, ["ALTER TABLE review_items ADD COLUMN media_note TEXT"]),
        // The note a submission came with (the decision's note is separate), and the bounded preview views render from.
        (4, ["ALTER TABLE review_items ADD COLUMN submission_note TEXT", "ALTER TABLE review_media ADD COLUMN preview {blob}"]),
        // The audit log's identity, named in its signed checkpoints so a checkpoint of another log is told apart.
        (5, ["ALTER TABLE audit_head ADD COLUMN log_id TEXT", "UPDATE audit_head SET log_id = {random_id} WHERE id = 1"]),
        // Per-key cap on requests in progress (null: the server's default).
        (6, ["ALTER TABLE api_keys ADD COLUMN max_concurrent {int}"]),
    ];

    /// <summary>Creates both schemas on an empty database the way the old runners did.</summary>
    public static async Task CreateAsync(DbConnection conn, bool postgres)
    {
        async Task Exec(string sql)
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = postgres
                ? sql.Replace("{pk}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY").Replace("{int}", "BIGINT").Replace("{blob}", "BYTEA")
                    .Replace("{random_id}", "replace(gen_random_uuid()::text, '-', '')")
                : sql.Replace("{pk}", "INTEGER PRIMARY KEY AUTOINCREMENT").Replace("{int}", "INTEGER").Replace("{blob}", "BLOB")
                    .Replace("{random_id}", "lower(hex(randomblob(16)))");
            await cmd.ExecuteNonQueryAsync();
        }
        await Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at {int} NOT NULL)");
        foreach (var (version, statements) in Bank)
        {
            foreach (var sql in statements) await Exec(sql);
            await Exec($"INSERT INTO schema_version (version, applied_at) VALUES ({version}, 1)");
        }
        await Exec("CREATE TABLE IF NOT EXISTS server_schema_version (version BIGINT NOT NULL)");
        foreach (var (version, statements) in Server)
        {
            foreach (var sql in statements) await Exec(sql);
            await Exec($"INSERT INTO server_schema_version (version) VALUES ({version})");
        }
    }
}
