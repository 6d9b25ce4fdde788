using Safeguard.Banks;
using Safeguard.Exchanges;
using Safeguard.Signals;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Exchanges;
using Safeguard.Storage.Postgres;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Exchanges.Tests;

/// <summary>A bank store and the exchange store over it, in a temporary SQLite file or PostgreSQL schema.</summary>
public sealed class Stores : IAsyncDisposable
{
    private readonly string? _dir;
    private readonly string? _schema;

    private Stores(SqlBankStore banks, string? dir, string? schema)
    {
        Banks = banks;
        Exchanges = new SqlExchangeStore(banks);
        _dir = dir;
        _schema = schema;
    }

    public SqlBankStore Banks { get; }
    public SqlExchangeStore Exchanges { get; }

    public static async Task<Stores> SqliteAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sg-ex-" + Guid.NewGuid().ToString("N"));
        return new Stores(await SqliteBankStore.OpenAsync(Path.Combine(dir, "banks.db")), dir, null);
    }

    public static async Task<Stores> PostgresAsync()
    {
        var (schema, cs) = await Postgres.CreateSchemaAsync("ex_");
        return new Stores(await PostgresBankStore.OpenAsync(cs), null, schema);
    }

    public static Task<Stores> OpenAsync(string kind) => kind == "postgres" ? PostgresAsync() : SqliteAsync();

    /// <summary>Every entry of a bank, disabled ones too, by value.</summary>
    public async Task<Dictionary<string, BankEntry>> EntriesAsync(string bank)
    {
        var all = new Dictionary<string, BankEntry>();
        await foreach (var e in Banks.EnumerateEntriesAsync(bank)) all.Add(e.Value, e);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await Banks.DisposeAsync();
        if (_schema is not null) await Postgres.DropSchemaAsync(_schema);
        if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Items and pages for tests.</summary>
public static class Items
{
    /// <summary>The md5 value numbered <paramref name="i"/>: 32 hex digits.</summary>
    public static string Md5(int i) => i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public static ExchangeItem Add(int i, string? upstreamId = null) => new(new EntryRecord(SignalTypes.Md5, Md5(i))) { UpstreamId = upstreamId };

    public static ExchangeItem Withdraw(int i) => new(new EntryRecord(SignalTypes.Md5, Md5(i)), Withdrawn: true);

    public static ExchangePage Page(string checkpoint, params ExchangeItem[] items) => new() { Items = items, Checkpoint = checkpoint };
}
