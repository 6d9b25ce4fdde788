using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Server.Data;

namespace Safeguard.Server.Audit;

public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string? Target, string? Detail, string PrevHash, string Hash);

public sealed record AuditVerification(bool Ok, long Entries, string Message);

/// <summary>
/// Append-only, hash-chained log of every state change and every view of media. Each entry's hash
/// covers its fields and the previous entry's hash; <c>audit_head</c> holds the last sequence and
/// hash, written in the same transaction, so removing entries at the end is detected as well.
/// </summary>
public sealed class AuditLog(ServerDb db)
{
    private readonly SemaphoreSlim _local = new(1, 1);

    public static string ComputeHash(long seq, long atMillis, string actor, string action, string? target, string? detail, string prev)
    {
        var canonical = JsonSerializer.Serialize(new object?[] { seq, atMillis, actor, action, target, detail, prev });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public async Task<long> AppendAsync(string actor, string action, string? target, string? detail, CancellationToken ct = default)
    {
        await _local.WaitAsync(ct);
        try
        {
            await using var conn = await db.OpenAsync(ct);
            await using var tx = await ServerDb.BeginWriteAsync(conn, ct);
            long seq; string prev;
            // FOR UPDATE serialises appenders across nodes in PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
            await using (var head = ServerDb.Command(conn, tx, db.IsPostgres
                ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE" : "SELECT seq, hash FROM audit_head WHERE id = 1"))
            await using (var r = await head.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                seq = r.GetInt64(0) + 1;
                prev = r.GetString(1);
            }
            long at = ServerDb.Now();
            var hash = ComputeHash(seq, at, actor, action, target, detail, prev);
            await using (var ins = ServerDb.Command(conn, tx,
                "INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (@s, @at, @a, @act, @t, @d, @p, @h)",
                ("@s", seq), ("@at", at), ("@a", actor), ("@act", action), ("@t", target), ("@d", detail), ("@p", prev), ("@h", hash)))
                await ins.ExecuteNonQueryAsync(ct);
            await using (var upd = ServerDb.Command(conn, tx, "UPDATE audit_head SET seq = @s, hash = @h WHERE id = 1", ("@s", seq), ("@h", hash)))
                await upd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return seq;
        }
        finally { _local.Release(); }
    }

    public Task<List<AuditEntry>> ListAsync(long afterSeq, int limit, string? action = null, string? target = null) => db.QueryAsync(
        "SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log WHERE seq > @after " +
        (action is null ? "" : "AND action = @action ") + (target is null ? "" : "AND target = @target ") + "ORDER BY seq LIMIT @limit",
        Map, ("@after", afterSeq), ("@action", action), ("@target", target), ("@limit", Math.Clamp(limit, 1, 1000)));

    private static AuditEntry Map(System.Data.Common.DbDataReader r) => new(r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        r.GetString(2), r.GetString(3), r.Str(4), r.Str(5), r.GetString(6), r.GetString(7));

    /// <summary>How many entries of an action an actor wrote since a time (exposure caps).</summary>
    public async Task<long> CountAsync(string actor, string action, DateTimeOffset since) =>
        await db.ScalarAsync("SELECT COUNT(*) FROM audit_log WHERE actor = @a AND action = @act AND at >= @t",
            ("@a", actor), ("@act", action), ("@t", since.ToUnixTimeMilliseconds())) ?? 0;

    /// <summary>Walks the whole chain; reports the first edited, inserted or missing entry.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        long expected = 1; string prev = "";
        await using (var cmd = ServerDb.Command(conn, null, "SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log ORDER BY seq"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var e = Map(r);
                if (e.Seq != expected)
                    return new(false, expected - 1, e.Seq > expected ? $"entries {expected}..{e.Seq - 1} are missing (deleted)" : $"entry {e.Seq} is duplicated or out of order");
                if (e.PrevHash != prev)
                    return new(false, expected - 1, $"entry {e.Seq} does not link to entry {e.Seq - 1} (chain broken)");
                var h = ComputeHash(e.Seq, e.At.ToUnixTimeMilliseconds(), e.Actor, e.Action, e.Target, e.Detail, e.PrevHash);
                if (h != e.Hash) return new(false, expected - 1, $"entry {e.Seq} was edited (its hash does not match its contents)");
                prev = e.Hash;
                expected++;
            }
        }
        await using (var head = ServerDb.Command(conn, null, "SELECT seq, hash FROM audit_head WHERE id = 1"))
        await using (var r = await head.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return new(false, expected - 1, "the audit head row is missing");
            long headSeq = r.GetInt64(0);
            if (headSeq != expected - 1 || r.GetString(1) != prev)
                return new(false, expected - 1, headSeq > expected - 1
                    ? $"entries {expected}..{headSeq} at the end of the log are missing (deleted)"
                    : "the audit head does not match the last entry");
        }
        return new(true, expected - 1, $"audit log intact: {expected - 1} entries, chain verified");
    }
}
