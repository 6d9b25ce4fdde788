using Npgsql;
using Xunit;

namespace Safeguard.TestSupport;

/// <summary>
/// The test PostgreSQL server named by SAFEGUARD_TEST_POSTGRES (test.sh starts one with
/// scripts/start-postgres.sh). Without it a test is reported skipped, never passed; under CI=true it fails.
/// Tests that call this must use [SkippableFact] or [SkippableTheory].
/// </summary>
public static class Postgres
{
    public const string Variable = "SAFEGUARD_TEST_POSTGRES";

    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The admin connection string; skips the test when none is set, fails under CI.</summary>
    public static string Admin()
    {
        var admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (UnderCi)
                throw new InvalidOperationException($"{Variable} is not set: the PostgreSQL tests must run under CI (see scripts/start-postgres.sh)");
            Skip.If(true, $"{Variable} is not set: no PostgreSQL server to test against (see scripts/start-postgres.sh)");
        }
        return admin!;
    }

    /// <summary>Creates an empty schema named prefix + a fresh id; returns its name and a connection string using it.</summary>
    public static async Task<(string Schema, string ConnectionString)> CreateSchemaAsync(string prefix)
    {
        var admin = Admin();
        var schema = prefix + Guid.NewGuid().ToString("N");
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}", conn);
        await cmd.ExecuteNonQueryAsync();
        return (schema, new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString);
    }

    /// <summary>Drops a schema made by <see cref="CreateSchemaAsync"/> and everything in it.</summary>
    public static async Task DropSchemaAsync(string schema)
    {
        await using var conn = new NpgsqlConnection(Admin());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
