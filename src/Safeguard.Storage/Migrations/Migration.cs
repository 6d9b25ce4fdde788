using System.Data.Common;

namespace Safeguard.Storage.Migrations;

/// <summary>
/// One numbered step of a schema: statements with the dialect placeholders of <see cref="Database.Sql"/>,
/// then optionally code that fills in data the statements cannot.
/// </summary>
public sealed record Migration(int Version, string[] Statements, Func<DbConnection, DbTransaction, CancellationToken, Task>? After = null);

/// <summary>
/// An ordered list of migrations and the table that records which have been applied. Add a
/// migration at the end; never edit an applied one.
/// </summary>
/// <param name="Name">What the schema holds, for messages ("bank", "server").</param>
/// <param name="VersionTable">The table listing applied versions, one row each.</param>
/// <param name="RecordsAppliedAt">Whether <paramref name="VersionTable"/> has an applied_at column (kept as earlier releases made it).</param>
/// <param name="LockKey">The PostgreSQL advisory lock that serialises this schema's migrations.</param>
/// <param name="TooNew">The error for a database and its version newer than this program's latest.</param>
public sealed record SchemaDefinition(
    string Name, string VersionTable, bool RecordsAppliedAt, long LockKey, IReadOnlyList<Migration> Migrations,
    Func<Database, int, int, Exception> TooNew)
{
    public int Latest => Migrations[^1].Version;
}
