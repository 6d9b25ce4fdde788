using System.Collections.Frozen;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Review;

/// <summary>
/// The "negative bank": hashes a reviewer marked false positive for a bank. A suppressed
/// (bank, type, query value) no longer reports that bank. Reloaded with the index poll, so
/// other nodes follow.
/// </summary>
public sealed class Suppressions(ServerDb db, AuditLog audit)
{
    private FrozenSet<string> _set = FrozenSet<string>.Empty;

    private static string Key(string bank, string type, string value) => string.Concat(bank, "\0", type, "\0", value);

    public bool IsSuppressed(string bank, string type, string value) => _set.Count != 0 && _set.Contains(Key(bank, type, value));

    public int Count => _set.Count;

    public async Task ReloadAsync()
    {
        var rows = await db.QueryAsync("SELECT bank, signal_type, value FROM suppressions", r => Key(r.GetString(0), r.GetString(1), r.GetString(2)));
        _set = rows.ToFrozenSet(StringComparer.Ordinal);
    }

    public async Task AddAsync(string bank, string type, string value, long itemId, string actor)
    {
        int n = await db.ExecAsync(db.IsPostgres
            ? "INSERT INTO suppressions (bank, signal_type, value, item_id, created_at) VALUES (@b, @t, @v, @i, @at) ON CONFLICT DO NOTHING"
            : "INSERT OR IGNORE INTO suppressions (bank, signal_type, value, item_id, created_at) VALUES (@b, @t, @v, @i, @at)",
            ("@b", bank), ("@t", type), ("@v", value), ("@i", itemId), ("@at", Db.NowMillis()));
        if (n > 0) await audit.AppendAsync(actor, "suppression.add", $"bank:{bank}", $"{type}:{value}; item={itemId}");
        await ReloadAsync();
    }
}
