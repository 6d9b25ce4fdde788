using System.Data.Common;

namespace Safeguard.Storage.Migrations;

/// <summary>Brings a schema up to date: every migration newer than the recorded version, in order, in one transaction.</summary>
public static class MigrationRunner
{
    public static async Task MigrateAsync(Database db, SchemaDefinition schema, CancellationToken ct = default)
    {
        for (int i = 1; i < schema.Migrations.Count; i++)
            if (schema.Migrations[i].Version <= schema.Migrations[i - 1].Version)
                throw new InvalidOperationException($"{schema.Name} schema: migrations out of order at version {schema.Migrations[i].Version}");

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await db.BeginWriteAsync(conn, ct);
        await db.LockAsync(conn, tx, schema.LockKey, ct);
        await Db.ExecAsync(conn, tx, CreateVersionTable(db, schema), ct);
        int current = await CurrentAsync(conn, tx, schema, ct);
        if (current > schema.Latest) throw schema.TooNew(db, current, schema.Latest);
        foreach (var migration in schema.Migrations)
        {
            if (migration.Version <= current) continue;
            foreach (var sql in migration.Statements) await Db.ExecAsync(conn, tx, db.Sql(sql), ct);
            if (migration.After is { } after) await after(conn, tx, ct);
            if (schema.RecordsAppliedAt)
                await Db.ExecAsync(conn, tx, $"INSERT INTO {schema.VersionTable} (version, applied_at) VALUES (@v, @t)", ct,
                    ("@v", (long)migration.Version), ("@t", Db.NowMillis()));
            else
                await Db.ExecAsync(conn, tx, $"INSERT INTO {schema.VersionTable} (version) VALUES (@v)", ct, ("@v", (long)migration.Version));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The highest applied version (0 when none).</summary>
    public static async Task<int> CurrentAsync(DbConnection conn, DbTransaction? tx, SchemaDefinition schema, CancellationToken ct = default) =>
        (int)await Db.ScalarLongAsync(conn, tx, $"SELECT COALESCE(MAX(version), 0) FROM {schema.VersionTable}", ct);

    // The two layouts earlier releases created, so that their databases open unchanged.
    private static string CreateVersionTable(Database db, SchemaDefinition schema) => schema.RecordsAppliedAt
        ? db.Sql($"CREATE TABLE IF NOT EXISTS {schema.VersionTable} (version INTEGER PRIMARY KEY, applied_at {{int}} NOT NULL)")
        : $"CREATE TABLE IF NOT EXISTS {schema.VersionTable} (version BIGINT NOT NULL)";
}
