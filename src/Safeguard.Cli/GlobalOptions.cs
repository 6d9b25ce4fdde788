using System.CommandLine;
using Safeguard.Banks.Storage;
using Safeguard.Storage.Banks;

namespace Safeguard.Cli;

/// <summary>Options every command sees.</summary>
public static class GlobalOptions
{
    /// <summary>The bank database: a SQLite file path, or a PostgreSQL connection string / postgres:// URI.</summary>
    public static readonly Option<string?> Db = new("--db")
    {
        Description = $"Bank database: a SQLite file, or a PostgreSQL connection (postgres://user@host:port/db or Host=...;Database=...). " +
                      $"Default: ${BankStores.EnvironmentVariable}, else {BankStores.DefaultSqlitePath()}",
        Recursive = true,
    };

    /// <summary>Turns off the progress bar and the periodic progress lines on standard error.</summary>
    public static readonly Option<bool> NoProgress = new("--no-progress", "--quiet")
    {
        Description = "No progress on standard error (by default: a bar on a terminal, else a line every 10 s of long work).",
        Recursive = true,
    };
}
