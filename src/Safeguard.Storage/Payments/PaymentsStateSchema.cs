using Safeguard.Storage.Migrations;

namespace Safeguard.Storage.Payments;

/// <summary>The tables of shared payments state: one row per account, and the batches already applied.</summary>
public static class PaymentsStateSchema
{
    private static readonly Migration[] Migrations =
    [
        new(1,
        [
            // state is NULL for an account locked once but never written (a rolled-back first batch).
            "CREATE TABLE IF NOT EXISTS payments_account_state (account TEXT PRIMARY KEY, state BYTEA, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS payments_batches (batch_id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        ]),
    ];

    public static readonly SchemaDefinition Definition = new("payments", "payments_schema_version", RecordsAppliedAt: false, LockKey: 7290412, Migrations,
        (db, current, latest) => new InvalidOperationException($"{db.Describe}: payments state schema version {current} is newer than this program understands ({latest}); upgrade Safeguard"));
}
