using System.Data.Common;
using Safeguard.Crawl.Notices.Contacts;
using Safeguard.Storage;

namespace Safeguard.Crawl.Notices.Storage;

/// <summary>
/// Notices in the crawl database: grouping confirmed sightings per provider, their states, and
/// the re-check schedule of every sighting a sent notice names.
/// </summary>
public sealed class NoticeStore(Database db, TimeProvider time)
{
    private const int CollectBatch = 1000;
    private const long CollectLockKey = 7290418;

    private const string NoticeColumns =
        "n.id, n.kind, n.parent_id, n.state, n.created_at, n.queued_at, n.sent_at, n.sent_by, n.sent_to, n.escalated_at, n.resolved_at, n.last_error, " +
        "p.name, p.abuse_email, p.web_form, p.escalation_email, p.escalation_contact, p.language, p.notes, " +
        "(SELECT COUNT(*) FROM notice_sightings c WHERE c.notice_id = COALESCE(n.parent_id, n.id)), " +
        "(SELECT COUNT(*) FROM notice_sightings c WHERE c.notice_id = COALESCE(n.parent_id, n.id) AND c.gone_at IS NOT NULL)";

    public Database Database => db;
    public TimeProvider Time => time;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Puts every confirmed sighting not yet in a notice into its provider's open notice (opening
    /// one when needed). Pending and rejected sightings stay out until a reviewer confirms them.
    /// </summary>
    public async Task<CollectResult> CollectAsync(ContactsTable contacts, CancellationToken ct = default)
    {
        int added = 0, unassigned = 0;
        var touched = new HashSet<long>();
        long after = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        while (true)
        {
            // Read a batch first, then write: PostgreSQL allows one open reader per connection.
            var batch = new List<(long Id, string Host, string? Ip)>(CollectBatch);
            await using (var cmd = Db.Command(conn, null,
                $"SELECT s.id, s.host, s.server_ip FROM sightings s LEFT JOIN notice_sightings ns ON ns.sighting_id = s.id " +
                $"WHERE ns.sighting_id IS NULL AND s.review_state = 'confirmed' AND s.id > @after ORDER BY s.id LIMIT {CollectBatch}", ("@after", after)))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) batch.Add((r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
            if (batch.Count == 0) break;
            after = batch[^1].Id;

            await using var tx = await db.BeginWriteAsync(conn, ct);
            // Collectors sharing a PostgreSQL database take turns per batch: concurrent upserts of the same providers would deadlock.
            await db.LockAsync(conn, tx, CollectLockKey, ct);
            var openByProvider = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            var rows = new List<(long Sighting, long Notice, string Rule)>(batch.Count);
            foreach (var (id, host, ip) in batch)
            {
                var assignment = contacts.Resolve(host, ip);
                if (assignment.Provider.IsUnassigned) unassigned++;
                if (!openByProvider.TryGetValue(assignment.Provider.Name, out var noticeId))
                {
                    long providerId = await UpsertProviderAsync(conn, tx, assignment.Provider, ct);
                    noticeId = await OpenNoticeAsync(conn, tx, providerId, ct);
                    openByProvider[assignment.Provider.Name] = noticeId;
                }
                rows.Add((id, noticeId, assignment.Rule));
                touched.Add(noticeId);
            }
            added += await InsertItemsAsync(conn, tx, rows, ct);
            await tx.CommitAsync(ct);
        }
        return new CollectResult(added, touched.Count, unassigned);
    }

    // Several rows per statement: one round trip per 250 sightings instead of one each.
    private static async Task<int> InsertItemsAsync(DbConnection conn, DbTransaction tx, List<(long Sighting, long Notice, string Rule)> rows, CancellationToken ct)
    {
        const int PerStatement = 250;
        int added = 0;
        for (int start = 0; start < rows.Count; start += PerStatement)
        {
            int count = Math.Min(PerStatement, rows.Count - start);
            var sql = new System.Text.StringBuilder("INSERT INTO notice_sightings (sighting_id, notice_id, rule) VALUES ");
            await using var cmd = Db.Command(conn, tx, "");
            for (int i = 0; i < count; i++)
            {
                var (sighting, notice, rule) = rows[start + i];
                var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append("(@s").Append(n).Append(", @n").Append(n).Append(", @r").Append(n).Append(')');
                cmd.Param("@s" + n, sighting);
                cmd.Param("@n" + n, notice);
                cmd.Param("@r" + n, rule);
            }
            cmd.CommandText = sql.Append(" ON CONFLICT (sighting_id) DO NOTHING").ToString();
            added += await cmd.ExecuteNonQueryAsync(ct);
        }
        return added;
    }

    private async Task<long> UpsertProviderAsync(DbConnection conn, DbTransaction tx, Provider p, CancellationToken ct)
    {
        // The contacts file is the truth: a provider's details follow its latest version.
        await Db.ExecAsync(conn, tx,
            "INSERT INTO providers (name, abuse_email, web_form, escalation_email, escalation_contact, language, notes, updated_at) " +
            "VALUES (@name, @email, @form, @esc, @escContact, @lang, @notes, @now) ON CONFLICT (name) DO UPDATE SET abuse_email = excluded.abuse_email, " +
            "web_form = excluded.web_form, escalation_email = excluded.escalation_email, escalation_contact = excluded.escalation_contact, " +
            "language = excluded.language, notes = excluded.notes, updated_at = excluded.updated_at", ct,
            ("@name", p.Name), ("@email", p.AbuseEmail), ("@form", p.WebForm), ("@esc", p.EscalationEmail),
            ("@escContact", p.EscalationContact), ("@lang", p.Language), ("@notes", p.Notes), ("@now", Now));
        return await Db.ScalarLongAsync(conn, tx, "SELECT id FROM providers WHERE name = @name", ct, ("@name", p.Name));
    }

    private async Task<long> OpenNoticeAsync(DbConnection conn, DbTransaction tx, long providerId, CancellationToken ct)
    {
        // Two collectors sharing a PostgreSQL database may both open one: the partial unique index keeps the first.
        await Db.ExecAsync(conn, tx,
            "INSERT INTO notices (provider_id, kind, state, created_at) VALUES (@p, 'notice', 'open', @now) " +
            "ON CONFLICT (provider_id) WHERE state = 'open' AND kind = 'notice' DO NOTHING", ct, ("@p", providerId), ("@now", Now));
        return await Db.ScalarLongAsync(conn, tx, "SELECT id FROM notices WHERE provider_id = @p AND state = 'open' AND kind = 'notice'", ct, ("@p", providerId));
    }

    /// <summary>Every notice (or those in one state), newest first.</summary>
    public async Task<List<Notice>> ListAsync(string? state = null, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var sql = $"SELECT {NoticeColumns} FROM notices n JOIN providers p ON p.id = n.provider_id" +
            (state is null ? "" : " WHERE n.state = @state") + " ORDER BY n.id DESC";
        await using var cmd = state is null ? Db.Command(conn, null, sql) : Db.Command(conn, null, sql, ("@state", state));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<Notice>();
        while (await r.ReadAsync(ct)) list.Add(ReadNotice(r));
        return list;
    }

    public async Task<Notice?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await GetAsync(conn, null, id, ct);
    }

    private static async Task<Notice?> GetAsync(DbConnection conn, DbTransaction? tx, long id, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx, $"SELECT {NoticeColumns} FROM notices n JOIN providers p ON p.id = n.provider_id WHERE n.id = @id", ("@id", id));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadNotice(r) : null;
    }

    /// <summary>The sightings a notice names (an escalation names its notice's), oldest first.</summary>
    public async Task<List<NoticeItem>> ItemsAsync(Notice notice, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var columns = string.Join(", ", Sighting.Columns.Split(", ").Select(c => "s." + c));
        await using var cmd = Db.Command(conn, null,
            $"SELECT {columns}, ns.rule, ns.gone_at, ns.gone_reason, ns.last_checked_at, ns.last_result, ns.failures " +
            "FROM notice_sightings ns JOIN sightings s ON s.id = ns.sighting_id WHERE ns.notice_id = @n ORDER BY s.seen_at, s.id",
            ("@n", notice.ParentId ?? notice.Id));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var items = new List<NoticeItem>();
        while (await r.ReadAsync(ct))
            items.Add(new NoticeItem(SightingColumns.Read(r), r.GetString(20), Ms(r, 21), r.GetStringOrNull(22), Ms(r, 23), r.GetStringOrNull(24),
                (int)r.GetInt64(25)));
        return items;
    }

    /// <summary>Records that a notice waits for a person to send it (no SMTP, or no email address).</summary>
    public async Task MarkQueuedAsync(long id, string subject, string body, string? reason, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await db.BeginWriteAsync(conn, ct);
        var notice = await RequireAsync(conn, tx, id, ct);
        if (notice.State is not (NoticeStates.Open or NoticeStates.Queued))
            throw new InvalidOperationException($"notice {id} is {notice.State}; only an open or queued notice can be queued");
        if (notice.ItemCount == 0) throw new InvalidOperationException($"notice {id} names no sightings");
        await Db.ExecAsync(conn, tx, "UPDATE notices SET state = 'queued', queued_at = COALESCE(queued_at, @now), subject = @s, body = @b, last_error = @e WHERE id = @id", ct,
            ("@now", Now), ("@s", subject), ("@b", body), ("@e", reason), ("@id", id));
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Records a notice as sent (by "smtp" or "manual") and schedules the first re-check of each of
    /// its sightings one interval later. Sending an open notice closes it: new sightings open the next.
    /// </summary>
    public async Task<Notice> MarkSentAsync(long id, string by, string? to, string subject, string body, TimeSpan firstCheckAfter, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await db.BeginWriteAsync(conn, ct);
        var notice = await RequireAsync(conn, tx, id, ct);
        if (notice.State is not (NoticeStates.Open or NoticeStates.Queued))
            throw new InvalidOperationException($"notice {id} is already {notice.State}");
        if (notice.ItemCount == 0) throw new InvalidOperationException($"notice {id} names no sightings");
        long now = Now;
        await Db.ExecAsync(conn, tx,
            "UPDATE notices SET state = 'sent', sent_at = @now, sent_by = @by, sent_to = @to, subject = @s, body = @b, last_error = NULL WHERE id = @id", ct,
            ("@now", now), ("@by", by), ("@to", to), ("@s", subject), ("@b", body), ("@id", id));
        if (notice.Kind == NoticeKinds.Notice)
            await Db.ExecAsync(conn, tx, "UPDATE notice_sightings SET next_check_at = @next WHERE notice_id = @id AND gone_at IS NULL", ct,
                ("@next", now + (long)firstCheckAfter.TotalMilliseconds), ("@id", id));
        else if (notice.ParentId is { } parent)
            await Db.ExecAsync(conn, tx, "UPDATE notices SET state = 'escalated' WHERE id = @p AND state = 'sent'", ct, ("@p", parent));
        await tx.CommitAsync(ct);
        return (await GetAsync(id, ct))!;
    }

    /// <summary>Notes a failed send attempt on the notice (it stays where it was).</summary>
    public Task RecordErrorAsync(long id, string error, CancellationToken ct = default) => WriteAsync((conn, tx) =>
        Db.ExecAsync(conn, tx, "UPDATE notices SET last_error = @e WHERE id = @id", ct, ("@e", error), ("@id", id)), ct);

    /// <summary>Sightings of sent notices not yet gone whose next check is due, oldest due first.</summary>
    public async Task<List<DueItem>> DueAsync(int limit, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null,
            "SELECT ns.notice_id, ns.sighting_id, s.url, s.sha256, s.pdq, ns.failures FROM notice_sightings ns " +
            "JOIN notices n ON n.id = ns.notice_id JOIN sightings s ON s.id = ns.sighting_id " +
            "WHERE n.kind = 'notice' AND n.state IN ('sent', 'escalated') AND ns.gone_at IS NULL AND ns.next_check_at <= @now " +
            $"ORDER BY ns.next_check_at, ns.sighting_id LIMIT {limit}", ("@now", Now));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var due = new List<DueItem>();
        while (await r.ReadAsync(ct))
            due.Add(new DueItem(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetStringOrNull(4), (int)r.GetInt64(5)));
        return due;
    }

    /// <summary>Stores one re-check: its row in <c>rechecks</c>, and the sighting's new state and next check time (null when gone).</summary>
    public Task RecordCheckAsync(DueItem item, string result, string? detail, bool gone, DateTimeOffset? nextCheck, CancellationToken ct = default) =>
        WriteAsync(async (conn, tx) =>
        {
            long now = Now;
            await Db.ExecAsync(conn, tx, "INSERT INTO rechecks (notice_id, sighting_id, checked_at, result, detail) VALUES (@n, @s, @now, @r, @d)", ct,
                ("@n", item.NoticeId), ("@s", item.SightingId), ("@now", now), ("@r", result), ("@d", detail));
            await Db.ExecAsync(conn, tx,
                "UPDATE notice_sightings SET last_checked_at = @now, last_result = @r, failures = @f, next_check_at = @next, " +
                "gone_at = @gone, gone_reason = @reason WHERE sighting_id = @s", ct,
                ("@now", now), ("@r", result), ("@f", (long)(result == "error" ? item.Failures + 1 : 0)),
                ("@next", nextCheck?.ToUnixTimeMilliseconds()), ("@gone", gone ? now : null), ("@reason", gone ? detail : null), ("@s", item.SightingId));
        }, ct);

    /// <summary>Marks resolved every sent or escalated notice whose sightings are all gone; returns their ids.</summary>
    public async Task<List<long>> ResolveFinishedAsync(CancellationToken ct = default)
    {
        var ids = new List<long>();
        await WriteAsync(async (conn, tx) =>
        {
            await using (var cmd = Db.Command(conn, tx,
                "SELECT n.id FROM notices n WHERE n.kind = 'notice' AND n.state IN ('sent', 'escalated') " +
                "AND NOT EXISTS (SELECT 1 FROM notice_sightings ns WHERE ns.notice_id = n.id AND ns.gone_at IS NULL)"))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
            foreach (var id in ids)
            {
                await Db.ExecAsync(conn, tx, "UPDATE notices SET state = 'resolved', resolved_at = @now WHERE id = @id", ct, ("@now", Now), ("@id", id));
                // An escalation nobody sent yet has nothing left to ask for.
                await Db.ExecAsync(conn, tx, "UPDATE notices SET state = 'resolved', resolved_at = @now WHERE parent_id = @id AND state IN ('open', 'queued')", ct,
                    ("@now", Now), ("@id", id));
            }
        }, ct);
        return ids;
    }

    /// <summary>Sent notices older than <paramref name="after"/> with sightings still present and no escalation yet.</summary>
    public async Task<List<long>> DueForEscalationAsync(TimeSpan after, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null,
            "SELECT n.id FROM notices n WHERE n.kind = 'notice' AND n.state = 'sent' AND n.escalated_at IS NULL AND n.sent_at <= @cutoff " +
            "AND EXISTS (SELECT 1 FROM notice_sightings ns WHERE ns.notice_id = n.id AND ns.gone_at IS NULL) ORDER BY n.id",
            ("@cutoff", Now - (long)after.TotalMilliseconds));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<long>();
        while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
        return ids;
    }

    /// <summary>Opens the escalation of a notice (an open notice of kind escalation); the notice is marked escalated.</summary>
    public async Task<long> OpenEscalationAsync(long noticeId, CancellationToken ct = default)
    {
        long id = 0;
        await WriteAsync(async (conn, tx) =>
        {
            var notice = await RequireAsync(conn, tx, noticeId, ct);
            if (notice.Kind != NoticeKinds.Notice) throw new InvalidOperationException($"notice {noticeId} is itself an escalation");
            if (await Db.ScalarAsync(conn, tx, "SELECT id FROM notices WHERE parent_id = @p", ct, ("@p", noticeId)) is { } existing) { id = existing; return; }
            id = await Db.ScalarLongAsync(conn, tx,
                "INSERT INTO notices (provider_id, kind, parent_id, state, created_at) " +
                "SELECT provider_id, 'escalation', id, 'open', @now FROM notices WHERE id = @p RETURNING id", ct, ("@now", Now), ("@p", noticeId));
            await Db.ExecAsync(conn, tx, "UPDATE notices SET state = 'escalated', escalated_at = @now WHERE id = @p", ct, ("@now", Now), ("@p", noticeId));
        }, ct);
        return id;
    }

    private async Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await db.BeginWriteAsync(conn, ct);
        await work(conn, tx);
        await tx.CommitAsync(ct);
    }

    private static async Task<Notice> RequireAsync(DbConnection conn, DbTransaction tx, long id, CancellationToken ct) =>
        await GetAsync(conn, tx, id, ct) ?? throw new KeyNotFoundException($"no notice {id}");

    private static Notice ReadNotice(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetLongOrNull(2), r.GetString(3),
        new Provider(r.GetString(12), r.GetStringOrNull(13), r.GetStringOrNull(14), r.GetStringOrNull(15), r.GetStringOrNull(16),
            r.GetStringOrNull(17), r.GetStringOrNull(18)),
        Db.FromMillis(r.GetInt64(4)), Ms(r, 5), Ms(r, 6), r.GetStringOrNull(7), r.GetStringOrNull(8), Ms(r, 9), Ms(r, 10),
        (int)r.GetInt64(19), (int)r.GetInt64(20), r.GetStringOrNull(11));

    private static DateTimeOffset? Ms(DbDataReader r, int i) => r.IsDBNull(i) ? null : Db.FromMillis(r.GetInt64(i));
}
