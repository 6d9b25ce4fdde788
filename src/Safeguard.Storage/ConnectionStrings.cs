using System.Text.RegularExpressions;
using Npgsql;
using Safeguard.Banks;

namespace Safeguard.Storage;

/// <summary>Tells a PostgreSQL connection apart from a SQLite file path, and converts URIs for Npgsql.</summary>
public static partial class ConnectionStrings
{
    [GeneratedRegex(@"(^|;)\s*(host|server)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex KeyValueHost();

    public static bool IsPostgres(string db) =>
        db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || KeyValueHost().IsMatch(db);

    /// <summary>Accepts "Host=...;Database=..." as is, or converts postgres://user:pass@host:port/db?opt=v.</summary>
    public static string ToNpgsql(string db)
    {
        if (!db.Contains("://", StringComparison.Ordinal)) return new NpgsqlConnectionStringBuilder(db).ConnectionString;
        if (!Uri.TryCreate(db, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
            throw new BankException($"not a PostgreSQL URI: '{db}'");
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0) b.Port = uri.Port;
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) b.Database = database;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) b.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try { b[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value; }
            catch (ArgumentException ex) { throw new BankException($"unsupported PostgreSQL option '{key}' in URI: {ex.Message}", ex); }
        }
        return b.ConnectionString;
    }
}
