using System.Text.Json;
using Safeguard.Server.Api;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Crawling;

/// <summary>A queued or running crawl request, as the worker takes it.</summary>
public sealed record QueuedCrawl(long Id, IReadOnlyList<string> Urls, CrawlScopeRequest Scope, string? Note, string SubmittedBy);

/// <summary>Requests by state, and the last one that failed.</summary>
public sealed record CrawlRequestCounts(long Queued, long Running, long Done, long Failed, string? LastError, DateTimeOffset? LastErrorAt);

/// <summary>
/// The <c>crawl_requests</c> table: what callers asked the service to crawl. A worker takes the oldest
/// queued request under a lease it renews while crawling; a request whose worker died (lease run out)
/// is taken again, and the frontier carries on where that worker stopped.
/// </summary>
public sealed class CrawlRequests(ServerDb db)
{
    public const string Queued = "queued", Running = "running", Done = "done", Failed = "failed";

    public async Task<long> AddAsync(CheckedCrawlRequest request, string actor) => (await db.ScalarAsync(
        "INSERT INTO crawl_requests (submitted_at, submitted_by, note, urls, scope, state) VALUES (@at, @by, @note, @urls, @scope, 'queued') RETURNING id",
        ("@at", Db.NowMillis()), ("@by", actor), ("@note", request.Note), ("@urls", JsonSerializer.Serialize(request.Urls, ApiJson.Options)),
        ("@scope", JsonSerializer.Serialize(request.Scope, ApiJson.Options))))!.Value;

    /// <summary>Takes the oldest request that is queued or whose worker's lease ran out; null when there is none.</summary>
    public async Task<QueuedCrawl?> TakeAsync(TimeSpan lease, CancellationToken ct)
    {
        long now = Db.NowMillis();
        // Several nodes may look at once: the UPDATE that still finds the row queued (or expired) wins it.
        var candidates = await db.QueryAsync(
            "SELECT id FROM crawl_requests WHERE state = 'queued' OR (state = 'running' AND lease_until < @now) ORDER BY id LIMIT 5",
            r => r.GetInt64(0), ("@now", now));
        foreach (var id in candidates)
        {
            ct.ThrowIfCancellationRequested();
            int won = await db.ExecAsync(
                "UPDATE crawl_requests SET state = 'running', lease_until = @l, started_at = @now WHERE id = @id AND (state = 'queued' OR (state = 'running' AND lease_until < @now))",
                ("@l", now + (long)lease.TotalMilliseconds), ("@now", now), ("@id", id));
            if (won == 0) continue;
            var rows = await db.QueryAsync("SELECT urls, scope, note, submitted_by FROM crawl_requests WHERE id = @id",
                r => new QueuedCrawl(id, JsonSerializer.Deserialize<List<string>>(r.GetString(0), ApiJson.Options)!,
                    JsonSerializer.Deserialize<CrawlScopeRequest>(r.GetString(1), ApiJson.Options)!, r.GetStringOrNull(2), r.GetString(3)), ("@id", id));
            return rows[0];
        }
        return null;
    }

    public Task RenewAsync(long id, TimeSpan lease) =>
        db.ExecAsync("UPDATE crawl_requests SET lease_until = @l WHERE id = @id AND state = 'running'", ("@l", Db.NowMillis() + (long)lease.TotalMilliseconds), ("@id", id));

    public Task FinishAsync(long id, string? error) =>
        db.ExecAsync("UPDATE crawl_requests SET state = @s, finished_at = @t, error = @e, lease_until = 0 WHERE id = @id",
            ("@s", error is null ? Done : Failed), ("@t", Db.NowMillis()), ("@e", error), ("@id", id));

    /// <summary>A SQLite database has one crawling process: what a killed one was running is taken again at once.</summary>
    public Task RequeueRunningAsync() => db.ExecAsync("UPDATE crawl_requests SET state = 'queued', lease_until = 0 WHERE state = 'running'");

    public async Task<CrawlRequestCounts> CountsAsync()
    {
        var counts = await db.QueryAsync("SELECT state, COUNT(*) FROM crawl_requests GROUP BY state", r => (State: r.GetString(0), N: r.GetInt64(1)));
        long Of(string s) => counts.FirstOrDefault(c => c.State == s).N;
        var last = await db.QueryAsync("SELECT error, finished_at FROM crawl_requests WHERE state = 'failed' ORDER BY finished_at DESC, id DESC LIMIT 1",
            r => (Error: r.GetStringOrNull(0), At: r.GetLongOrNull(1)));
        return new CrawlRequestCounts(Of(Queued), Of(Running), Of(Done), Of(Failed), last.Count > 0 ? last[0].Error : null,
            last.Count > 0 && last[0].At is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null);
    }
}
