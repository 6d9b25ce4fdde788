using System.Data;
using System.Data.Common;

namespace Safeguard.Banks.Storage;

/// <summary>Small ADO.NET helpers shared by the SQLite and PostgreSQL stores.</summary>
internal static class Db
{
    public static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

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

    public static async Task<int> ExecAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql);
        foreach (var (name, value) in args) cmd.Param(name, value, TypeOf(value));
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public static async Task<long> ScalarLongAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(conn, tx, sql);
        foreach (var (name, value) in args) cmd.Param(name, value, TypeOf(value));
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? 0 : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static DbType TypeOf(object? value) => value switch
    {
        long or int => DbType.Int64,
        bool => DbType.Boolean,
        _ => DbType.String,
    };

    public static string? GetStringOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long? GetLongOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    public static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromMillis(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
