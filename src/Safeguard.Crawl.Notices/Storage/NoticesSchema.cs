using Safeguard.Storage;
using Safeguard.Storage.Migrations;

namespace Safeguard.Crawl.Notices.Storage;

/// <summary>
/// The notice tables, beside the crawler's <c>sightings</c> table (the only other table they name).
/// <see cref="Statements"/> is one migration's worth of plain statements with the dialect
/// placeholders, so the crawl schema can append it as a migration of its own. Times are Unix
/// milliseconds, as in every other Safeguard table.
/// </summary>
public static class NoticesSchema
{
    public static readonly string[] Statements =
    [
        "CREATE TABLE IF NOT EXISTS providers (id {pk}, name TEXT NOT NULL UNIQUE, abuse_email TEXT, web_form TEXT, escalation_email TEXT, " +
            "escalation_contact TEXT, language TEXT, notes TEXT, updated_at {int} NOT NULL)",
        // kind: 'notice' (to the abuse contact) or 'escalation' (to the escalation contact, parent_id its notice).
        // state: open (collecting sightings) → queued (waiting for a person) → sent → resolved | escalated.
        "CREATE TABLE IF NOT EXISTS notices (id {pk}, provider_id {int} NOT NULL REFERENCES providers(id), kind TEXT NOT NULL, " +
            "parent_id {int} REFERENCES notices(id), state TEXT NOT NULL, created_at {int} NOT NULL, queued_at {int}, sent_at {int}, " +
            "sent_by TEXT, sent_to TEXT, escalated_at {int}, resolved_at {int}, subject TEXT, body TEXT, last_error TEXT)",
        "CREATE INDEX IF NOT EXISTS notices_state ON notices (state, kind)",
        // One open notice per provider collects new sightings until it is sent.
        "CREATE UNIQUE INDEX IF NOT EXISTS notices_one_open ON notices (provider_id) WHERE state = 'open' AND kind = 'notice'",
        // A sighting goes into one notice only; its re-check schedule and removal time live here.
        "CREATE TABLE IF NOT EXISTS notice_sightings (sighting_id {int} PRIMARY KEY REFERENCES sightings(id), " +
            "notice_id {int} NOT NULL REFERENCES notices(id), rule TEXT NOT NULL, gone_at {int}, gone_reason TEXT, " +
            "last_checked_at {int}, next_check_at {int}, failures {int} NOT NULL DEFAULT 0, last_result TEXT)",
        "CREATE INDEX IF NOT EXISTS notice_sightings_notice ON notice_sightings (notice_id)",
        "CREATE INDEX IF NOT EXISTS notice_sightings_due ON notice_sightings (next_check_at)",
        "CREATE TABLE IF NOT EXISTS rechecks (id {pk}, notice_id {int} NOT NULL REFERENCES notices(id), " +
            "sighting_id {int} NOT NULL REFERENCES sightings(id), checked_at {int} NOT NULL, result TEXT NOT NULL, detail TEXT)",
        "CREATE INDEX IF NOT EXISTS rechecks_sighting ON rechecks (sighting_id, checked_at)",
    ];

    /// <summary>The tables on their own (until the crawl schema carries them as its migration 2).</summary>
    public static readonly SchemaDefinition Definition = new("crawl notices", "crawl_notices_schema_version", RecordsAppliedAt: true, LockKey: 7290417,
        [new Migration(1, Statements)],
        (db, current, latest) => new InvalidOperationException($"{db.Describe}: crawl notices schema version {current} is newer than this program understands ({latest}); upgrade Safeguard"));

    public static Task MigrateAsync(Database db, CancellationToken ct = default) => MigrationRunner.MigrateAsync(db, Definition, ct);
}

public static class NoticeStates
{
    public const string Open = "open";
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Escalated = "escalated";
    public const string Resolved = "resolved";
}

public static class NoticeKinds
{
    public const string Notice = "notice";
    public const string Escalation = "escalation";
}
