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
