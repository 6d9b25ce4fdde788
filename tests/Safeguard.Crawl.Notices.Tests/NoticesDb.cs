using System.Data;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Safeguard.Crawl.Notices;
using Safeguard.Crawl.Notices.Storage;
using Safeguard.Storage;
using Safeguard.Storage.Postgres;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>
/// A crawl database for one test: SQLite in a temporary folder or a fresh PostgreSQL schema, with
/// the crawler's <c>sightings</c> table (made here as the crawler's migration makes it) and the notice tables.
/// </summary>
public sealed class NoticesDb : IAsyncDisposable
{
    private readonly string? _dir, _schema;

    public Database Db { get; }
    public string? SqlitePath { get; }

    private NoticesDb(Database db, string? dir, string? sqlitePath, string? schema)
    {
        Db = db;
        _dir = dir;
        SqlitePath = sqlitePath;
        _schema = schema;
    }

    public static async Task<NoticesDb> CreateAsync(bool postgres, string? sqlitePath = null)
    {
        NoticesDb result;
        if (postgres)
        {
            var (schema, cs) = await Postgres.CreateSchemaAsync("notices_");
            result = new NoticesDb(new PostgresDatabase(cs), null, null, schema);
        }
        else
        {
            string? dir = null;
            if (sqlitePath is null)
            {
                dir = Directory.CreateTempSubdirectory("safeguard-notices-").FullName;
                sqlitePath = Path.Combine(dir, "crawl.db");
            }
            var cs = new SqliteConnectionStringBuilder { DataSource = sqlitePath, Pooling = true, DefaultTimeout = 30 }.ToString();
            result = new NoticesDb(new SqliteDatabase(sqlitePath, cs, "PRAGMA busy_timeout = 30000"), dir, sqlitePath, null);
        }
        await result.CreateSightingsTableAsync();
        await NoticesSchema.MigrateAsync(result.Db);
        return result;
    }

    private async Task CreateSightingsTableAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        var sql = Db.Sql("CREATE TABLE IF NOT EXISTS sightings (id {pk}, url TEXT NOT NULL, page_url TEXT, seen_at " + (Db.IsPostgres ? "TIMESTAMPTZ" : "TEXT") +
            " NOT NULL, http_status INTEGER NOT NULL, server_ip TEXT, host TEXT NOT NULL, headers TEXT NOT NULL, content_type TEXT NOT NULL, " +
            "sha256 TEXT NOT NULL, md5 TEXT NOT NULL, pdq TEXT, pdq_quality INTEGER, match_kind TEXT NOT NULL, bank TEXT NOT NULL, entry_id {int}, " +
            "content_id TEXT, signal_type TEXT NOT NULL, distance INTEGER, review_state TEXT NOT NULL)");
        await Safeguard.Storage.Db.ExecAsync(conn, null, sql, default);
    }

    /// <summary>Inserts a sighting as the crawler would; returns its id.</summary>
    public async Task<long> AddSightingAsync(string url, DateTimeOffset seenAt, string? serverIp, string sha256,
        string reviewState = "confirmed", string matchKind = "bank", string? pdq = null)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await AddSightingAsync(conn, null, url, seenAt, serverIp, sha256, reviewState, matchKind, pdq);
    }

    /// <summary>The same on an open connection and transaction, for seeding many rows quickly.</summary>
    public async Task<long> AddSightingAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx, string url, DateTimeOffset seenAt,
        string? serverIp, string sha256, string reviewState = "confirmed", string matchKind = "bank", string? pdq = null)
    {
        var host = new Uri(url).Host;
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO sightings (url, page_url, seen_at, http_status, server_ip, host, headers, content_type, sha256, md5, pdq, pdq_quality, " +
            "match_kind, bank, entry_id, content_id, signal_type, distance, review_state) VALUES (@url, @page, @seen, 200, @ip, @host, '{\"server\":\"test\"}', " +
            "'image/jpeg', @sha, @md5, @pdq, @quality, @kind, 'known', @entry, NULL, @signal, @distance, @review) RETURNING id";
        cmd.Param("@url", url);
        cmd.Param("@page", url[..(url.LastIndexOf('/') + 1)] + "index.html");
        if (Db.IsPostgres) cmd.Param("@seen", seenAt.ToUniversalTime(), DbType.DateTimeOffset);
        else cmd.Param("@seen", seenAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        cmd.Param("@ip", serverIp);
        cmd.Param("@host", host);
        cmd.Param("@sha", sha256);
        cmd.Param("@md5", Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Convert.FromHexString(sha256))));
        cmd.Param("@pdq", pdq);
        cmd.Param("@quality", pdq is null ? null : (object)100L, DbType.Int64);
        cmd.Param("@kind", matchKind);
        cmd.Param("@entry", matchKind == "bank" ? (object)7L : null, DbType.Int64);
        cmd.Param("@signal", pdq is null ? "sha256" : "pdq");
        cmd.Param("@distance", matchKind == "bank" ? (object)0L : null, DbType.Int64);
        cmd.Param("@review", reviewState);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task SetReviewStateAsync(long id, string state)
    {
        await using var conn = await Db.OpenConnectionAsync();
        await Safeguard.Storage.Db.ExecAsync(conn, null, "UPDATE sightings SET review_state = @s WHERE id = @id", default, ("@s", state), ("@id", id));
    }

    public async Task<long> ScalarAsync(string sql, params (string, object?)[] args)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return await Safeguard.Storage.Db.ScalarLongAsync(conn, null, sql, default, args);
    }

    public async ValueTask DisposeAsync()
    {
        await Db.DisposeAsync();
        if (_schema is not null) await Postgres.DropSchemaAsync(_schema);
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }

    public static string Sha(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
