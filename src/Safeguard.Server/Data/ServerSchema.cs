using Safeguard.Storage.Migrations;

namespace Safeguard.Server.Data;

/// <summary>
/// Versioned migrations of the server's tables, tracked in <c>server_schema_version</c> (separate from
/// the bank schema's <c>schema_version</c>). Add a migration at the end; never edit an applied one.
/// </summary>
internal static class ServerSchema
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1,
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
        new(2,
        [
            "CREATE INDEX review_items_pdq ON review_items (pdq)",
            "CREATE INDEX review_items_md5 ON review_items (md5)",
            "CREATE INDEX review_items_sha1 ON review_items (sha1)",
            "CREATE INDEX review_items_sha256 ON review_items (sha256)",
        ]),
        // What the held media is when it is not the uploaded file (a video's frame).
        new(3, ["ALTER TABLE review_items ADD COLUMN media_note TEXT"]),
        // The note a submission came with (the decision's note is separate), and the bounded preview views render from.
        new(4, ["ALTER TABLE review_items ADD COLUMN submission_note TEXT", "ALTER TABLE review_media ADD COLUMN preview {blob}"]),
        // The audit log's identity, named in its signed checkpoints so a checkpoint of another log is told apart.
        new(5, ["ALTER TABLE audit_head ADD COLUMN log_id TEXT", "UPDATE audit_head SET log_id = {random_id} WHERE id = 1"]),
        // Per-key cap on requests in progress (null: the server's default).
        new(6, ["ALTER TABLE api_keys ADD COLUMN max_concurrent {int}"]),
        // A payments subject's evidence (subject, timeline, network) for items of kind payments-subject; they hold no media.
        new(7, ["ALTER TABLE review_items ADD COLUMN payments_subject TEXT"]),
        // The review console: claims (who works an item, until when), the duplicate group (the item's exact
        // hash) and a severity the queue sorts by (see Review/Severity.cs; older items get the rule's coarse form).
        new(8,
        [
            "ALTER TABLE review_items ADD COLUMN claimed_by TEXT",
            "ALTER TABLE review_items ADD COLUMN claimed_until {int}",
            "ALTER TABLE review_items ADD COLUMN group_key TEXT",
            "ALTER TABLE review_items ADD COLUMN severity {int} NOT NULL DEFAULT 0",
            "UPDATE review_items SET group_key = COALESCE(sha256, md5, pdq)",
            "UPDATE review_items SET severity = CASE WHEN verified_exact = 1 THEN 1000 WHEN matches IS NOT NULL AND matches <> '[]' THEN 700 ELSE 300 END",
            "CREATE INDEX review_items_group ON review_items (group_key)",
        ]),
        // How often the item's file or hash came in while it awaited review (repeats reuse the item).
        new(10, ["ALTER TABLE review_items ADD COLUMN sightings {int} NOT NULL DEFAULT 1"]),
        // A matched video's keyframe strip (frames spread over the video), held and deleted with its frame.
        new(11, ["ALTER TABLE review_media ADD COLUMN keyframes {blob}"]),
        // Flood control: matches per entry per hour (written in batches), and the admins' alerts.
        new(12,
        [
            "CREATE TABLE entry_hits (entry_id {int} NOT NULL, hour {int} NOT NULL, hits {int} NOT NULL, PRIMARY KEY (entry_id, hour))",
            "CREATE INDEX entry_hits_hour ON entry_hits (hour)",
            """
            CREATE TABLE admin_alerts (
                id {pk},
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                detail TEXT,
                created_at {int} NOT NULL,
                acked_at {int},
                acked_by TEXT)
            """,
            "CREATE INDEX admin_alerts_open ON admin_alerts (acked_at, id)",
        ]),
        // Federation: which API key (by name) may read which bank's feed, with which fields and
        // feedback key; and the signed feedback subscribers sent (the nonce refuses replays).
        new(13,
        [
            """
            CREATE TABLE feed_grants (
                id {pk},
                key_name TEXT NOT NULL,
                bank TEXT NOT NULL,
                fields TEXT NOT NULL,
                feedback_key TEXT,
                created_at {int} NOT NULL,
                UNIQUE (key_name, bank))
            """,
            """
            CREATE TABLE feed_feedback (
                id {pk},
                bank TEXT NOT NULL,
                key_name TEXT NOT NULL,
                signal_type TEXT NOT NULL,
                value TEXT NOT NULL,
                verdict TEXT NOT NULL,
                note TEXT,
                sent_at {int} NOT NULL,
                received_at {int} NOT NULL,
                nonce TEXT NOT NULL,
                UNIQUE (key_name, nonce))
            """,
            "CREATE INDEX feed_feedback_bank ON feed_feedback (bank, id)",
        ]),
        // The service's crawl requests (POST /v1/crawl/urls); the frontier itself is the crawl schema, in the same database.
        new(14,
        [
            """
            CREATE TABLE crawl_requests (
                id {pk},
                submitted_at {int} NOT NULL,
                submitted_by TEXT NOT NULL,
                note TEXT,
                urls TEXT NOT NULL,
                scope TEXT NOT NULL,
                state TEXT NOT NULL,
                lease_until {int} NOT NULL DEFAULT 0,
                started_at {int},
                finished_at {int},
                error TEXT)
            """,
            "CREATE INDEX crawl_requests_state ON crawl_requests (state, id)",
        ]),
    ];

    // The lock key keeps two nodes from migrating at once; the bank schema has its own.
    public static readonly SchemaDefinition Definition = new("server", "server_schema_version", RecordsAppliedAt: false, LockKey: 7162534, Migrations,
        (_, current, latest) => new InvalidOperationException($"the database's server schema is version {current}, newer than this program ({latest}); upgrade safeguard"));
}
