using Safeguard.Banks.Storage;
using Safeguard.Storage.Postgres;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Storage.Banks;

/// <summary>Opens the store a --db value names: a PostgreSQL connection, or else a SQLite file.</summary>
public static class BankStores
{
    public const string EnvironmentVariable = "SAFEGUARD_DB";

    public static async Task<IBankStore> OpenAsync(string? db, CancellationToken ct = default)
    {
        db = string.IsNullOrWhiteSpace(db) ? Environment.GetEnvironmentVariable(EnvironmentVariable) : db;
        if (string.IsNullOrWhiteSpace(db)) db = DefaultSqlitePath();
        return ConnectionStrings.IsPostgres(db)
            ? await PostgresBankStore.OpenAsync(db, ct)
            : await SqliteBankStore.OpenAsync(db, ct);
    }

    /// <summary>$XDG_DATA_HOME/safeguard/safeguard.db, else ~/.local/share/safeguard/safeguard.db.</summary>
    public static string DefaultSqlitePath()
    {
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome) || !Path.IsPathRooted(dataHome))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            dataHome = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(home, ".local", "share");
        }
        return Path.Combine(dataHome, "safeguard", "safeguard.db");
    }
}
