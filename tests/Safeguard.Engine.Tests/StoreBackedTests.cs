using Safeguard.Banks.Storage;
using Safeguard.Storage.Banks;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Engine.Tests;

public enum StoreKind { Sqlite, Postgres }

/// <summary>
/// Tests over a fresh bank store for each test: a SQLite file in a temporary folder, or a
/// PostgreSQL schema (<see cref="Postgres"/>; skipped without a server, failed under CI), removed after.
/// </summary>
public abstract class StoreBackedTests(StoreKind kind, string schemaPrefix) : IAsyncLifetime
{
    protected IBankStore Store = null!;
    private bool _available;
    private string? _dir, _schema;

    public async Task InitializeAsync()
    {
        if (kind == StoreKind.Sqlite)
        {
            _dir = Directory.CreateTempSubdirectory("safeguard-engine-store-").FullName;
            Store = await SqliteBankStore.OpenAsync(Path.Combine(_dir, "banks.db"));
        }
        else
        {
            (_schema, var cs) = await Postgres.CreateSchemaAsync(schemaPrefix);
            Store = await BankStores.OpenAsync(cs);
        }
        _available = true;
    }

    public async Task DisposeAsync()
    {
        if (_available) await Store.DisposeAsync();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
        if (_schema is not null) await Postgres.DropSchemaAsync(_schema);
    }
}
