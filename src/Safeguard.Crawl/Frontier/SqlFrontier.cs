using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Safeguard.Storage;
using Safeguard.Storage.Postgres;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Crawl.Frontier;

/// <summary>
/// The frontier in SQL: a SQLite file for one crawler, or PostgreSQL shared by several, whose
/// claims take rows with FOR UPDATE SKIP LOCKED so two crawlers never hold the same URL.
/// </summary>
public sealed class SqlFrontier : IFrontier
{
    private readonly Database _db;

    // SQLite: every write goes through one group-commit loop (see GroupCommit); PostgreSQL: each in its own transaction.
    private readonly GroupCommit? _group;

    private SqlFrontier(Database db)
    {
        _db = db;
        if (!db.IsPostgres) _group = new GroupCommit(db);
    }

    /// <summary>Runs one write in a transaction: on SQLite together with the writes waiting beside it, committed before this returns.</summary>
    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        if (_group is not null) return await _group.RunAsync(work, ct);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var tx = await _db.BeginWriteAsync(conn, ct);
        var result = await work(conn, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>A name for this crawler in claimed_by (host, process, a random part).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public string Describe => _db.Describe;

    public bool IsShared => _db.IsPostgres;

    /// <summary>The database underneath (the notice tables and the removal report live beside the frontier).</summary>
    public Database Database => _db;

    /// <summary>Opens (creating and migrating) a SQLite file path or a PostgreSQL connection string / postgres:// URI.</summary>
    public static async Task<SqlFrontier> OpenAsync(string db, CancellationToken ct = default)
    {
        Database database;
        if (ConnectionStrings.IsPostgres(db))
        {
            database = new PostgresDatabase(ConnectionStrings.ToNpgsql(db));
        }
        else
        {
            if (Path.GetDirectoryName(Path.GetFullPath(db)) is { } dir) Directory.CreateDirectory(dir);
            var cs = new SqliteConnectionStringBuilder { DataSource = db, Pooling = true, DefaultTimeout = 60 }.ToString();
            database = new SqliteDatabase(db, cs, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 60000");
        }
        try
        {
            await CrawlSchema.MigrateAsync(database, ct);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
        return new SqlFrontier(database);
    }

    public async Task<int> AddAsync(IReadOnlyList<FrontierEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return 0;
        return await WriteAsync((conn, tx) => AddAsync(conn, tx, entries, ct), ct);
    }

    private static async Task<int> AddAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<FrontierEntry> entries, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx,
            "INSERT INTO crawl_urls (url, host, kind, depth, page_url, state, added_at) VALUES (@u, @h, @k, @d, @p, 'queued', @t) ON CONFLICT (url) DO NOTHING");
        var u = cmd.Param("@u", "", DbType.String);
        var h = cmd.Param("@h", "", DbType.String);
        var k = cmd.Param("@k", "", DbType.String);
        var d = cmd.Param("@d", 0L, DbType.Int64);
        var p = cmd.Param("@p", null, DbType.String);
        cmd.Param("@t", Db.NowMillis());
        int added = 0;
        foreach (var e in entries)
        {
            u.Value = e.Url.AbsoluteUri;
            h.Value = Fetching.CrawlUrl.HostKey(e.Url);
            k.Value = KindName(e.Kind);
            d.Value = (long)e.Depth;
            p.Value = (object?)e.PageUrl ?? DBNull.Value;
            added += await cmd.ExecuteNonQueryAsync(ct);
        }
        return added;
    }

    /// <summary>
    /// Puts URLs fetched before (done, failed or skipped) back in the queue as seeds: a URL reported
    /// again is fetched again. Media those pages name that was fetched before is not fetched again.
    /// </summary>
    public async Task<int> RequeueAsync(IReadOnlyList<string> urls, CancellationToken ct)
    {
        int n = 0;
        foreach (var url in urls)
            n += await ExecAsync(
                "UPDATE crawl_urls SET state = 'queued', not_before = 0, attempts = 0, depth = 0, claimed_by = NULL, lease_until = 0 " +
                "WHERE url = @u AND state IN ('done', 'failed', 'skipped')", ct, ("@u", url));
        return n;
    }

    public async Task<IReadOnlyList<ClaimedUrl>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct)
    {
        long now = Db.NowMillis();
        string lockClause = _db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "";
        // Due rows: queued and past their retry time, or claimed by a crawler whose lease ran out.
        string sql = $"""
            UPDATE crawl_urls SET state = 'claimed', claimed_by = @w, lease_until = @l, attempts = attempts + 1
            WHERE id IN (SELECT id FROM crawl_urls
                         WHERE (state = 'queued' AND not_before <= @now) OR (state = 'claimed' AND lease_until < @now)
                         ORDER BY id LIMIT @n{lockClause})
            RETURNING id, url, kind, depth, page_url, attempts
            """;
        var list = await WriteAsync(async (conn, tx) =>
        {
            var claimed = new List<ClaimedUrl>();
            await using var cmd = Db.Command(conn, tx, sql, ("@w", WorkerId), ("@l", now + (long)lease.TotalMilliseconds), ("@now", now), ("@n", (long)max));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                claimed.Add(new ClaimedUrl(r.GetInt64(0), r.GetString(1), r.GetString(2) == "page" ? UrlKind.Page : UrlKind.Media,
                    (int)r.GetInt64(3), r.GetStringOrNull(4), (int)r.GetInt64(5)));
            return claimed;
        }, ct);
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return list;
    }

    public Task CompleteAsync(long id, int? httpStatus, string? sha256, CancellationToken ct) =>
        ExecAsync("UPDATE crawl_urls SET state = 'done', http_status = @s, sha256 = @h, fetched_at = @t, claimed_by = NULL WHERE id = @id", ct,
            ("@s", (object?)httpStatus), ("@h", sha256), ("@t", Db.NowMillis()), ("@id", id));

    public Task RetryAsync(long id, DateTimeOffset notBefore, CancellationToken ct) =>
        ExecAsync("UPDATE crawl_urls SET state = 'queued', not_before = @nb, claimed_by = NULL WHERE id = @id", ct,
            ("@nb", notBefore.ToUnixTimeMilliseconds()), ("@id", id));

    public Task FailAsync(long id, int? httpStatus, CancellationToken ct) =>
        ExecAsync("UPDATE crawl_urls SET state = 'failed', http_status = @s, fetched_at = @t, claimed_by = NULL WHERE id = @id", ct,
            ("@s", (object?)httpStatus), ("@t", Db.NowMillis()), ("@id", id));

    public Task SkipAsync(long id, CancellationToken ct) =>
        ExecAsync("UPDATE crawl_urls SET state = 'skipped', claimed_by = NULL WHERE id = @id", ct, ("@id", id));

    public async Task<int> ReleaseAllClaimsAsync(CancellationToken ct)
    {
        await ExecAsync("DELETE FROM crawl_contents WHERE done = 0", ct);
        return await ExecAsync("UPDATE crawl_urls SET state = 'queued', claimed_by = NULL, lease_until = 0 WHERE state = 'claimed'", ct);
    }

    public async Task<FrontierCounts> CountsAsync(CancellationToken ct)
    {
        long now = Db.NowMillis();
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, """
            SELECT
              SUM(CASE WHEN state = 'queued' AND not_before <= @now THEN 1 ELSE 0 END),
              SUM(CASE WHEN state = 'queued' AND not_before > @now THEN 1 ELSE 0 END),
              SUM(CASE WHEN state = 'claimed' THEN 1 ELSE 0 END),
              SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END),
              SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END),
              SUM(CASE WHEN state = 'skipped' THEN 1 ELSE 0 END)
            FROM crawl_urls
            """, ("@now", now));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        long At(int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
        return new FrontierCounts(At(0), At(1), At(2), At(3), At(4), At(5));
    }

    public async Task<Dictionary<string, long>> PagesPerHostAsync(CancellationToken ct)
    {
        var result = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, "SELECT host, COUNT(*) FROM crawl_urls WHERE kind = 'page' GROUP BY host");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result[r.GetString(0)] = r.GetInt64(1);
        return result;
    }

    public Task RecordProblemAsync(ProblemRecord problem, CancellationToken ct) =>
        ExecAsync("INSERT INTO crawl_problems (url, page_url, kind, message, at) VALUES (@u, @p, @k, @m, @t)", ct,
            ("@u", Cap(problem.Url)), ("@p", problem.PageUrl), ("@k", problem.Kind), ("@m", Cap(problem.Message)), ("@t", problem.At.ToUnixTimeMilliseconds()));

    // A hostile URL is recorded, not stored whole.
    private static string Cap(string s) => s.Length <= 2048 ? s : s[..2048] + $"… ({s.Length:N0} characters)";

    public async Task<bool> ClaimContentAsync(string sha256, string url, long size, CancellationToken ct) =>
        await ExecAsync("INSERT INTO crawl_contents (sha256, first_url, size, kind, done, hashed_at) VALUES (@s, @u, @z, '', 0, @t) ON CONFLICT (sha256) DO NOTHING", ct,
            ("@s", sha256), ("@u", url), ("@z", size), ("@t", Db.NowMillis())) == 1;

    public Task FinishContentAsync(ContentRecord content, IReadOnlyList<Sighting> sightings, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        await Db.ExecAsync(conn, tx, "UPDATE crawl_contents SET kind = @k, md5 = @m, pdq = @p, pdq_quality = @q, error = @e, done = 1, hashed_at = @t WHERE sha256 = @s", ct,
            ("@k", content.Kind), ("@m", content.Md5), ("@p", content.Pdq), ("@q", (object?)content.PdqQuality), ("@e", content.Error), ("@t", Db.NowMillis()), ("@s", content.Sha256));
        await InsertSightingsAsync(conn, tx, sightings, ct);
        return true;
    }, ct);

    public async Task<ContentRecord?> FindContentAsync(string sha256, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, "SELECT first_url, size, kind, md5, pdq, pdq_quality, error FROM crawl_contents WHERE sha256 = @s AND done = 1", ("@s", sha256));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new ContentRecord(sha256, r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetStringOrNull(3), r.GetStringOrNull(4),
            r.IsDBNull(5) ? null : (int)r.GetInt64(5), r.GetStringOrNull(6));
    }

    public async Task DropUnfinishedContentAsync(string? sha256, CancellationToken ct)
    {
        if (sha256 is null) await ExecAsync("DELETE FROM crawl_contents WHERE done = 0", ct);
        else await ExecAsync("DELETE FROM crawl_contents WHERE done = 0 AND sha256 = @s", ct, ("@s", sha256));
    }

    public async Task AddSightingsAsync(IReadOnlyList<Sighting> sightings, CancellationToken ct)
    {
        if (sightings.Count == 0) return;
        await WriteAsync(async (conn, tx) =>
        {
            await InsertSightingsAsync(conn, tx, sightings, ct);
            return true;
        }, ct);
    }

    private async Task InsertSightingsAsync(DbConnection conn, DbTransaction tx, IReadOnlyList<Sighting> sightings, CancellationToken ct)
    {
        foreach (var s in sightings)
        {
            await using var cmd = Db.Command(conn, tx, """
                INSERT INTO sightings (url, page_url, seen_at, http_status, server_ip, host, headers, content_type, sha256, md5, pdq, pdq_quality,
                                       match_kind, bank, entry_id, content_id, signal_type, distance, review_state)
                VALUES (@url, @page, @seen, @status, @ip, @host, @headers, @ct, @sha, @md5, @pdq, @q, @mk, @bank, @entry, @cid, @sig, @dist, @rs)
                """,
                ("@url", s.Url), ("@page", s.PageUrl), ("@status", (object?)s.HttpStatus), ("@ip", s.ServerIp), ("@host", s.Host),
                ("@headers", s.Headers), ("@ct", s.ContentType), ("@sha", s.Sha256), ("@md5", s.Md5), ("@pdq", s.Pdq), ("@q", (object?)s.PdqQuality),
                ("@mk", s.MatchKind), ("@bank", s.Bank), ("@entry", (object?)s.EntryId), ("@cid", s.ContentId), ("@sig", s.SignalType),
                ("@dist", (object?)s.Distance), ("@rs", s.ReviewState));
            if (_db.IsPostgres) cmd.Param("@seen", s.SeenAt.ToUniversalTime(), DbType.DateTimeOffset);
            else cmd.Param("@seen", s.SeenAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private const string SightingColumns = """
        id, url, page_url, seen_at, http_status, server_ip, host, headers, content_type, sha256, md5, pdq, pdq_quality,
        match_kind, bank, entry_id, content_id, signal_type, distance, review_state
        """;

    public async Task<IReadOnlyList<Sighting>> SightingsAsync(string? sha256, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, $"SELECT {SightingColumns} FROM sightings {(sha256 is null ? "" : "WHERE sha256 = @s")} ORDER BY id");
        if (sha256 is not null) cmd.Param("@s", sha256);
        return await ReadSightingsAsync(cmd, ct);
    }

    /// <summary>One page of sightings after <paramref name="afterId"/> in id order, optionally of one match kind and review state.</summary>
    public async Task<IReadOnlyList<Sighting>> SightingsPageAsync(long afterId, int limit, string? matchKind, string? reviewState, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, $"""
            SELECT {SightingColumns} FROM sightings
            WHERE id > @after {(matchKind is null ? "" : "AND match_kind = @mk")} {(reviewState is null ? "" : "AND review_state = @rs")}
            ORDER BY id LIMIT @n
            """, ("@after", afterId), ("@n", (long)limit));
        if (matchKind is not null) cmd.Param("@mk", matchKind);
        if (reviewState is not null) cmd.Param("@rs", reviewState);
        return await ReadSightingsAsync(cmd, ct);
    }

    /// <summary>
    /// A reviewer's decision on suspected media: every pending suspected sighting of that content
    /// (by SHA-256, at whatever URL) becomes <paramref name="state"/>. Returns how many changed.
    /// </summary>
    public Task<int> SetReviewStateAsync(string sha256, string state, CancellationToken ct) =>
        ExecAsync("UPDATE sightings SET review_state = @s WHERE sha256 = @h AND match_kind = 'suspected' AND review_state = 'pending'", ct,
            ("@s", state), ("@h", sha256));

    public async Task<SightingCounts> SightingCountsAsync(CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, """
            SELECT COUNT(*),
              SUM(CASE WHEN match_kind = 'bank' THEN 1 ELSE 0 END),
              SUM(CASE WHEN match_kind = 'suspected' THEN 1 ELSE 0 END),
              SUM(CASE WHEN review_state = 'pending' THEN 1 ELSE 0 END),
              SUM(CASE WHEN review_state = 'confirmed' THEN 1 ELSE 0 END),
              SUM(CASE WHEN review_state = 'rejected' THEN 1 ELSE 0 END)
            FROM sightings
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        long At(int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
        return new SightingCounts(At(0), At(1), At(2), At(3), At(4), At(5));
    }

    private static async Task<IReadOnlyList<Sighting>> ReadSightingsAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<Sighting>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var seen = r.GetValue(3) switch
            {
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                DateTimeOffset dto => dto,
                var v => DateTimeOffset.Parse(Convert.ToString(v, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            };
            int? Int(int i) => r.IsDBNull(i) ? null : (int)r.GetInt64(i);
            list.Add(new Sighting
            {
                Id = r.GetInt64(0), Url = r.GetString(1), PageUrl = r.GetStringOrNull(2), SeenAt = seen.ToUniversalTime(), HttpStatus = Int(4),
                ServerIp = r.GetStringOrNull(5), Host = r.GetString(6), Headers = r.GetString(7), ContentType = r.GetStringOrNull(8),
                Sha256 = r.GetString(9), Md5 = r.GetStringOrNull(10), Pdq = r.GetStringOrNull(11), PdqQuality = Int(12), MatchKind = r.GetString(13),
                Bank = r.GetString(14), EntryId = r.GetLongOrNull(15), ContentId = r.GetStringOrNull(16), SignalType = r.GetString(17),
                Distance = Int(18), ReviewState = r.GetString(19),
            });
        }
        return list;
    }

    public async Task<IReadOnlyList<ProblemRecord>> ProblemsAsync(CancellationToken ct)
    {
        var list = new List<ProblemRecord>();
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, "SELECT url, page_url, kind, message, at FROM crawl_problems ORDER BY id");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new ProblemRecord(r.GetString(0), r.GetStringOrNull(1), r.GetString(2), r.GetString(3), Db.FromMillis(r.GetInt64(4))));
        return list;
    }

    /// <summary>Row counts by state for one URL (tests and status).</summary>
    public async Task<(string State, int Attempts, int? Status)?> StateOfAsync(string url, CancellationToken ct)
    {
        await using var conn = await _db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, "SELECT state, attempts, http_status FROM crawl_urls WHERE url = @u", ("@u", url));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return (r.GetString(0), (int)r.GetInt64(1), r.IsDBNull(2) ? null : (int)r.GetInt64(2));
    }

    private static string KindName(UrlKind k) => k == UrlKind.Page ? "page" : "media";

    private Task<int> ExecAsync(string sql, CancellationToken ct, params (string, object?)[] args) =>
        WriteAsync((conn, tx) => Db.ExecAsync(conn, tx, sql, ct, args), ct);

    public async ValueTask DisposeAsync()
    {
        if (_group is not null) await _group.DisposeAsync();
        await _db.DisposeAsync();
    }
}
