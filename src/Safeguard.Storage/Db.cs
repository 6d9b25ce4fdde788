using System.Data;
using System.Data.Common;
using System.Globalization;

namespace Safeguard.Storage;

/// <summary>
/// The one set of ADO.NET helpers for every table Safeguard keeps (banks and the server's own):
/// commands with typed parameters, and reader accessors. Plain ADO.NET, so the import's prepared
/// statements and COPY stay as fast as the driver allows.
/// </summary>
public static class Db
{
    public static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Param(name, value);
        return cmd;
    }

    /// <summary>A parameter typed by its value; a null leaves the type unset so PostgreSQL infers it from the column.</summary>
    public static DbParameter Param(this DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        if (value is not null) p.DbType = TypeOf(value);
        p.Value = value switch { null => DBNull.Value, int i => (long)i, _ => value };
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>A parameter of a fixed type, for prepared statements whose values change per row.</summary>
    public static DbParameter Param(this DbCommand cmd, string name, object? value, DbType type)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.DbType = type;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return p;
    }

    public static DbParameter Param(this DbCommand cmd, string name, long value) => cmd.Param(name, value, DbType.Int64);
    public static DbParameter Param(this DbCommand cmd, string name, string? value) => cmd.Param(name, value, DbType.String);

    public static DbType TypeOf(object value) => value switch
    {
        long or int => DbType.Int64,
        bool => DbType.Boolean,
        double => DbType.Double,
        byte[] => DbType.Binary,
        _ => DbType.String,
    };

    public static async Task<int> ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The first column of the first row as a 64-bit integer, or null when there is none (or it is NULL).</summary>
    public static async Task<long?> ScalarAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql, args);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? null : Convert.ToInt64(result, CultureInfo.InvariantCulture);
    }

    public static async Task<long> ScalarLongAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args) =>
        await ScalarAsync(conn, tx, sql, ct, args) ?? 0;

    public static string? GetStringOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? GetLongOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    public static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
