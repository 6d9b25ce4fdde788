using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Audit;

public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Action, string? Target, string? Detail, string PrevHash, string Hash);

public sealed record AuditVerification(bool Ok, long Entries, string Message);

/// <summary>
/// Append-only, hash-chained log of every state change and every view of media. Each entry's hash
/// covers its fields and the previous entry's hash; <c>audit_head</c> holds the last sequence and
/// hash, written in the same transaction, so removing entries at the end is detected as well.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its AvailableWaitHandle is used, and it never is here.")]
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
            await using var tx = await db.BeginWriteAsync(conn, ct);
            long seq; string prev;
            // FOR UPDATE serialises appenders across nodes in PostgreSQL; SQLite's BEGIN IMMEDIATE already does.
            await using (var head = Db.Command(conn, tx, db.IsPostgres
                ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE" : "SELECT seq, hash FROM audit_head WHERE id = 1"))
            await using (var r = await head.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                seq = r.GetInt64(0) + 1;
                prev = r.GetString(1);
            }
            long at = Db.NowMillis();
            var hash = ComputeHash(seq, at, actor, action, target, detail, prev);
            await using (var ins = Db.Command(conn, tx,
                "INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (@s, @at, @a, @act, @t, @d, @p, @h)",
                ("@s", seq), ("@at", at), ("@a", actor), ("@act", action), ("@t", target), ("@d", detail), ("@p", prev), ("@h", hash)))
                await ins.ExecuteNonQueryAsync(ct);
            await using (var upd = Db.Command(conn, tx, "UPDATE audit_head SET seq = @s, hash = @h WHERE id = 1", ("@s", seq), ("@h", hash)))
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
        r.GetString(2), r.GetString(3), r.GetStringOrNull(4), r.GetStringOrNull(5), r.GetString(6), r.GetString(7));

    /// <summary>How many entries of an action an actor wrote since a time (exposure caps).</summary>
    public async Task<long> CountAsync(string actor, string action, DateTimeOffset since) =>
        await db.ScalarAsync("SELECT COUNT(*) FROM audit_log WHERE actor = @a AND action = @act AND at >= @t",
            ("@a", actor), ("@act", action), ("@t", since.ToUnixTimeMilliseconds())) ?? 0;

    /// <summary>The log's identity and newest entry, read in one snapshot.</summary>
    public async Task<AuditHead> HeadAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await ServerDb.BeginSnapshotAsync(conn, ct);
        return await ReadHeadAsync(conn, tx, ct) ?? throw new InvalidOperationException("the audit head row is missing");
    }

    private static async Task<AuditHead?> ReadHeadAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, CancellationToken ct)
    {
        // SELECT *: a database of an older schema has no log_id yet, and verification must not migrate it.
        await using var head = Db.Command(conn, tx, "SELECT * FROM audit_head WHERE id = 1");
        await using var r = await head.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        string? logId = null;
        for (int i = 0; i < r.FieldCount; i++)
            if (r.GetName(i).Equals("log_id", StringComparison.OrdinalIgnoreCase)) logId = r.GetStringOrNull(i);
        return new AuditHead(logId ?? "", r.GetInt64(r.GetOrdinal("seq")), r.GetString(r.GetOrdinal("hash")));
    }

    /// <summary>
    /// Throws unless the log still holds entry <paramref name="seq"/> with <paramref name="hash"/> and every
    /// entry after it links on correctly: a new checkpoint must extend the previous one, never sign a cut log.
    /// </summary>
    public async Task<AuditHead> HeadExtendingAsync(long seq, string hash, CancellationToken ct = default)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await ServerDb.BeginSnapshotAsync(conn, ct);
        var head = await ReadHeadAsync(conn, tx, ct) ?? throw new InvalidOperationException("the audit head row is missing");
        long expected = seq; string prev = hash;
        bool anchorSeen = false;
        await using (var cmd = Db.Command(conn, tx, "SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log WHERE seq >= @s ORDER BY seq", ("@s", seq)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var e = Map(r);
                bool ok = anchorSeen
                    ? e.Seq == expected + 1 && e.PrevHash == prev && ComputeHash(e.Seq, e.At.ToUnixTimeMilliseconds(), e.Actor, e.Action, e.Target, e.Detail, e.PrevHash) == e.Hash
                    : e.Seq == seq && e.Hash == hash;
                if (!ok) throw new AuditChainException($"the audit log no longer extends checkpoint {seq}: entry {e.Seq} was changed, inserted or removed; refusing to sign");
                anchorSeen = true;
                expected = e.Seq; prev = e.Hash;
            }
        }
        if (!anchorSeen) throw new AuditChainException($"the audit log no longer extends checkpoint {seq}: entry {seq} is gone; refusing to sign");
        if (expected != head.Seq || prev != head.Hash)
            throw new AuditChainException($"the audit log no longer extends checkpoint {seq}: it ends at entry {expected}, its head says {head.Seq}; refusing to sign");
        return head;
    }

    /// <summary>
    /// Walks the whole chain in one snapshot and reports the first edited, inserted or missing entry; then
    /// checks the checkpoints (already signature-checked) and bare head hashes the caller holds against it.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(AuditAnchors? anchors = null, CancellationToken ct = default)
    {
        anchors ??= AuditAnchors.None;
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await ServerDb.BeginSnapshotAsync(conn, ct);
        if (!await db.HasTablesAsync(conn, tx, "audit_log", "audit_head"))
            return new(false, 0, "this database holds no Safeguard audit log (no audit_log and audit_head tables): nothing to verify");
        var wanted = anchors.Checkpoints.Select(c => c.Seq).ToHashSet();
        var hashAt = new Dictionary<long, string>();
        var hashSeen = new Dictionary<string, long>();
        long expected = 1; string prev = "";
        await using (var cmd = Db.Command(conn, tx, "SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log ORDER BY seq"))
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
                if (wanted.Contains(e.Seq)) hashAt[e.Seq] = e.Hash;
                if (anchors.Hashes.Contains(e.Hash)) hashSeen[e.Hash] = e.Seq;
                prev = e.Hash;
                expected++;
            }
        }
        long entries = expected - 1;
        var head = await ReadHeadAsync(conn, tx, ct);
        if (head is null) return new(false, entries, "the audit head row is missing");
        if (head.Seq != entries || head.Hash != prev)
            return new(false, entries, head.Seq > entries
                ? $"entries {expected}..{head.Seq} at the end of the log are missing (deleted)"
                : "the audit head does not match the last entry");
        if (entries == 0 && anchors.Checkpoints.Count == 0 && anchors.Hashes.Count == 0)
            return new(false, 0, "the audit log is empty: nothing to verify");
        return CheckAnchors(anchors, head, hashAt, hashSeen);
    }

    private static AuditVerification CheckAnchors(AuditAnchors anchors, AuditHead head, Dictionary<long, string> hashAt, Dictionary<string, long> hashSeen)
    {
        long entries = head.Seq;
        var ours = anchors.Checkpoints.Where(c => c.LogId == head.LogId).OrderByDescending(c => c.Seq).ToList();
        if (anchors.Checkpoints.Count > 0 && ours.Count == 0)
        {
            var other = anchors.Checkpoints[^1];
            return new(false, entries, $"checkpoint from another log: {anchors.Source} names log {other.LogId}, this database holds log {(head.LogId.Length > 0 ? head.LogId : "(none: schema older than checkpoints)")}");
        }
        foreach (var c in ours)
        {
            var when = c.Time.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
            if (c.Seq > entries)
                return new(false, entries, $"log truncated below a signed checkpoint: the checkpoint of {when} covers entries 1..{c.Seq}, the database ends at entry {entries} (entries {entries + 1}..{c.Seq} were deleted and the head rewritten)");
            if (hashAt[c.Seq] != c.Hash)
                return new(false, entries, $"chain edited below a signed checkpoint: the checkpoint of {when} says entry {c.Seq} ends in {c.Hash}, the database's chain ends there in {hashAt[c.Seq]} (entries up to {c.Seq} were rewritten)");
        }
        foreach (var hash in anchors.Hashes)
            if (!hashSeen.ContainsKey(hash))
                return new(false, entries, $"no entry of the log ends in hash {hash}: the entries it covered were deleted or changed");
        string covered = ours.Count > 0
            ? $"; matches {ours.Count} signed checkpoint(s) from {anchors.Source}, the newest covering entries 1..{ours[0].Seq}"
            : anchors.Hashes.Count > 0 ? $"; holds the given head hash(es) at entry {string.Join(", ", anchors.Hashes.Select(h => hashSeen[h]))}"
            : "; no checkpoint was checked, so deletion of the newest entries cannot be detected (see `safeguard audit checkpoint`)";
        return new(true, entries, $"audit log intact: {entries} entries, chain verified{covered}");
    }
}

/// <summary>The log's identity and its newest entry.</summary>
public sealed record AuditHead(string LogId, long Seq, string Hash);

/// <summary>The chain no longer extends what was signed before.</summary>
public sealed class AuditChainException(string message) : InvalidOperationException(message);
