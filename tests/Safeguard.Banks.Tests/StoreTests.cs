using Npgsql;
using Safeguard.Banks.Storage;

namespace Safeguard.Banks.Tests;

public sealed class SqliteStoreTests : BankStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-banks-").FullName;

    protected override async Task<IBankStore?> CreateStoreAsync() => await SqliteBankStore.OpenAsync(Path.Combine(_dir, "sub", "banks.db"));

    protected override Task CleanupAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Reopening_keeps_data_and_does_not_migrate_twice()
    {
        var path = Path.Combine(_dir, "reopen.db");
        await using (var s = await SqliteBankStore.OpenAsync(path))
        {
            await s.CreateBankAsync("keep");
            await s.ImportAsync("keep", TestData.Many(5));
        }
        await using var again = await BankStores.OpenAsync(path);
        Assert.Equal("sqlite", again.Kind);
        Assert.Equal(5, (await again.GetStatsAsync("keep")).Enabled);
        Assert.Equal(Schema.Latest, await again.GetSchemaVersionAsync());
    }

    [Fact]
    public async Task A_version_1_database_is_upgraded_in_place()
    {
        var path = Path.Combine(_dir, "v1.db");
        var entries = Version1Upgrade.Entries(longVpdqFrames: 300);
        await using (var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await conn.OpenAsync();
            await Version1Upgrade.SeedAsync(conn, "INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER", entries);
        }
        await using var store = await SqliteBankStore.OpenAsync(path);
        await Version1Upgrade.CheckAsync(store, entries);
    }

    [Fact]
    public async Task A_version_1_database_without_the_bank_order_index_gets_it_on_open()
    {
        // Early version 1 files were written before entries_bank_order joined that migration.
        var path = Path.Combine(_dir, "v1-no-order.db");
        await using (var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await conn.OpenAsync();
            await Version1Upgrade.SeedAsync(conn, "INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER", TestData.Many(20));
            await using var drop = conn.CreateCommand();
            drop.CommandText = "DROP INDEX entries_bank_order";
            await drop.ExecuteNonQueryAsync();
        }
        await using var store = await SqliteBankStore.OpenAsync(path);
        var plan = string.Join("\n", await store.ExplainAsync(SqlBankStore.EntriesPageSql(includeDisabled: true, bySignalType: false), ("@b", 1L), ("@a", 5L), ("@l", 10L)));
        Assert.Contains("entries_bank_order (bank_id=? AND id>?)", plan);
        Assert.Equal(TestData.Many(20).Skip(5).Take(10).Select(r => r.Value), (await store.ListEntriesAsync("old", 5, 10)).Select(e => e.Value));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_gives_a_clear_error()
    {
        var path = Path.Combine(_dir, "garbage.db");
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251)).ToArray());
        var ex = await Assert.ThrowsAsync<BankException>(() => SqliteBankStore.OpenAsync(path));
        Assert.Contains("garbage.db", ex.Message);
    }
}

/// <summary>
/// The same contract against a real PostgreSQL server (SAFEGUARD_TEST_POSTGRES, started by
/// test.sh). Each test gets its own schema. Under CI the server is required.
/// </summary>
public sealed class PostgresStoreTests : BankStoreContract
{
    public const string Variable = "SAFEGUARD_TEST_POSTGRES";
    private string? _admin;
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");

    public static string? ConnectionOrNull()
    {
        var cs = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(cs))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"{Variable} is not set: the PostgreSQL tests must run under CI (see scripts/start-postgres.sh)");
            return null;
        }
        return cs;
    }

    protected override async Task<IBankStore?> CreateStoreAsync()
    {
        _admin = ConnectionOrNull();
        if (_admin is null) return null;
        await using (var conn = new NpgsqlConnection(_admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {_schema}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema }.ConnectionString;
        return await BankStores.OpenAsync(cs);
    }

    protected override async Task CleanupAsync()
    {
        if (_admin is null) return;
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_version_1_database_is_upgraded_in_place()
    {
        if (ConnectionOrNull() is not { } cs) return;
        string schema = _schema + "_v1";
        var entries = Version1Upgrade.Entries(longVpdqFrames: 30); // version 1 could index no more
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using (var create = new NpgsqlCommand($"CREATE SCHEMA {schema}; SET search_path TO {schema}", conn))
                await create.ExecuteNonQueryAsync();
            await Version1Upgrade.SeedAsync(conn, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "BIGINT", entries);
        }
        try
        {
            await using var store = await BankStores.OpenAsync(new NpgsqlConnectionStringBuilder(cs) { SearchPath = schema }.ConnectionString);
            await Version1Upgrade.CheckAsync(store, entries);
        }
        finally
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", conn);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_postgres_uri_is_understood()
    {
        if (ConnectionOrNull() is not { } cs) return;
        var b = new NpgsqlConnectionStringBuilder(cs);
        var uri = $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}?Search%20Path={_schema}";
        Assert.True(ConnectionStrings.IsPostgres(uri));
        await using var store = await BankStores.OpenAsync(uri);
        Assert.Equal("postgresql", store.Kind);
        await store.CreateBankAsync("via-uri");
        Assert.NotNull(await Store.GetBankAsync("via-uri"));
    }
}
