using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Flood;

public sealed record AdminAlert(long Id, string Kind, string Subject, string? Detail, DateTimeOffset CreatedAt, DateTimeOffset? AckedAt, string? AckedBy);

/// <summary>Alerts for administrators (a flood quarantine, ...): raised by the service, listed and acknowledged over the API.</summary>
public sealed class AdminAlerts(ServerDb db, AuditLog audit)
{
    public async Task<long> RaiseAsync(string kind, string subject, string? detail) =>
        await db.ScalarAsync("INSERT INTO admin_alerts (kind, subject, detail, created_at) VALUES (@k, @s, @d, @t) RETURNING id",
            ("@k", kind), ("@s", subject), ("@d", detail), ("@t", Db.NowMillis())) ?? 0;

    /// <summary>Open alerts (not acknowledged), newest first; with <paramref name="all"/> acknowledged ones too.</summary>
    public Task<List<AdminAlert>> ListAsync(bool all = false, int limit = 100) =>
        db.QueryAsync("SELECT id, kind, subject, detail, created_at, acked_at, acked_by FROM admin_alerts" +
                      (all ? "" : " WHERE acked_at IS NULL") + " ORDER BY id DESC LIMIT @l",
            r => new AdminAlert(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), Db.FromMillis(r.GetInt64(4)),
                r.GetLongOrNull(5) is long a ? Db.FromMillis(a) : null, r.GetStringOrNull(6)), ("@l", (long)limit));

    /// <summary>Acknowledges an open alert; false when there is no such open alert.</summary>
    public async Task<bool> AckAsync(long id, string actor)
    {
        int n = await db.ExecAsync("UPDATE admin_alerts SET acked_at = @t, acked_by = @a WHERE id = @i AND acked_at IS NULL",
            ("@t", Db.NowMillis()), ("@a", actor), ("@i", id));
        if (n > 0) await audit.AppendAsync(actor, "admin.alert.ack", $"alert:{id}", null);
        return n > 0;
    }
}
