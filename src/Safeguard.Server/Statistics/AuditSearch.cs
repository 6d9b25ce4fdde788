using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Statistics;

/// <summary>What the dashboard's audit panel filters by; every part is optional.</summary>
public sealed record AuditFilter(string? Action, string? Actor, string? Target, long? FromMillis, long? ToMillisExclusive);

/// <summary>
/// The audit log newest first, filtered, paged backwards by sequence (<c>before</c> = the last page's
/// <c>next_before</c>). An actor filter takes the whole actor (<c>key:3:rita</c>) or a key's name (<c>rita</c>).
/// </summary>
public sealed class AuditSearch(ServerDb db)
{
    public async Task<(List<AuditEntry> Entries, long? NextBefore)> RunAsync(AuditFilter f, long? before, int limit)
    {
        var where = new List<string> { "seq < @before" };
        if (f.Action is not null) where.Add("action = @action");
        if (f.Target is not null) where.Add("target = @target");
        if (f.Actor is not null) where.Add(@"(actor = @actor OR actor LIKE @named ESCAPE '\')");
        if (f.FromMillis is not null) where.Add("at >= @from");
        if (f.ToMillisExclusive is not null) where.Add("at < @to");
        var rows = await db.QueryAsync(
            $"SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log WHERE {string.Join(" AND ", where)} ORDER BY seq DESC LIMIT @limit",
            r => new AuditEntry(r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.GetString(2), r.GetString(3),
                r.GetStringOrNull(4), r.GetStringOrNull(5), r.GetString(6), r.GetString(7)),
            ("@before", before ?? long.MaxValue), ("@action", f.Action), ("@target", f.Target), ("@actor", f.Actor),
            ("@named", f.Actor is null ? null : "key:%:" + EscapeLike(f.Actor)), ("@from", f.FromMillis), ("@to", f.ToMillisExclusive), ("@limit", limit));
        return (rows, rows.Count == limit ? rows[^1].Seq : null);
    }

    private static string EscapeLike(string s) => s.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
