using Npgsql;
using Safeguard.Server.Data;

namespace Safeguard.Server.Tests;

/// <summary>`audit verify` inspects without changing anything, and says nothing is intact when there is nothing.</summary>
public sealed class AuditReadOnlyTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args) => CliCommandTests.Run(args);

    private static string TempDir() => Directory.CreateTempSubdirectory("sg-audit-ro-").FullName;

    [Fact]
    public void A_missing_database_is_refused_and_not_created()
    {
        var dir = Path.Combine(TempDir(), "not-here");
        var db = Path.Combine(dir, "safeguard.db");
        foreach (var args in new[] { new[] { "audit", "verify", "--db", db }, ["audit", "checkpoint", "--db", db, "--audit-key", Path.Combine(TempDir(), "k")] })
        {
            var v = Cli(args);
            Assert.Equal(1, v.Code);
            Assert.Contains($"no database at {db}", v.Err);
            Assert.DoesNotContain("intact", v.Out);
            Assert.False(File.Exists(db));
            Assert.False(Directory.Exists(dir));
        }
    }

    [Fact]
    public void An_empty_file_is_refused_and_left_as_it_was()
    {
        var db = Path.Combine(TempDir(), "empty.db");
        File.WriteAllBytes(db, []);
        var mtime = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(db, mtime);
        var v = Cli("audit", "verify", "--db", db);
        Assert.Equal(1, v.Code);
        Assert.Contains("holds no Safeguard audit log", v.Err);
        Assert.Empty(File.ReadAllBytes(db));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(db));
        Assert.Equal(["empty.db"], Directory.GetFiles(Path.GetDirectoryName(db)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_empty_log_is_refused_and_a_real_database_is_not_modified()
    {
        var db = Path.Combine(TempDir(), "fresh.db");
        await using (await ServerDb.OpenAsync(db)) { } // the server's tables, no entry yet
        var before = File.ReadAllBytes(db);
        var mtime = File.GetLastWriteTimeUtc(db);
        var v = Cli("audit", "verify", "--db", db);
        Assert.Equal(1, v.Code);
        Assert.Contains("the audit log is empty", v.Err);
        Assert.Equal(before, File.ReadAllBytes(db));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(db));

        // A database a server used, its WAL folded in: verifying it leaves the file byte for byte as it was.
        await using (var h = await ServerHarness.StartAsync(db, o => o with { Demo = false })) { }
        await using (var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=false"))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await cmd.ExecuteNonQueryAsync();
        }
        before = File.ReadAllBytes(db);
        mtime = File.GetLastWriteTimeUtc(db);
        v = Cli("audit", "verify", "--db", db);
        Assert.Equal(0, v.Code);
        Assert.Contains("intact", v.Out);
        Assert.Equal(before, File.ReadAllBytes(db));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(db));
    }

    [SkippableFact]
    public async Task A_postgres_schema_without_the_audit_tables_is_refused_and_gets_none()
    {
        var db = await TestDb.PostgresAsync();
        var v = Cli("audit", "verify", "--db", db);
        Assert.Equal(1, v.Code);
        Assert.Contains("holds no Safeguard audit log", v.Err);
        await using var conn = new NpgsqlConnection(db);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()", conn);
        Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
    }
}
