using Safeguard.Banks;

namespace Safeguard.Storage.Banks;

/// <summary>One bank's change feed: what a federation publisher serves.</summary>
public abstract partial class SqlBankStore
{
    public async Task<IReadOnlyList<EntryChange>> GetBankChangesAsync(string bank, long sinceSeq, long afterEntryId = 0, int limit = 10000, CancellationToken ct = default)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "a page holds at least one change");
        long after = afterEntryId > 0 ? afterEntryId : long.MaxValue;
        await using var conn = await OpenConnectionAsync(ct);
        var bankId = await RequireBankIdAsync(conn, null, bank, ct);
        await using var cmd = Db.Command(conn, null, BankChangesSql);
        cmd.Param("@b", bankId); cmd.Param("@n", bank); cmd.Param("@s", sinceSeq); cmd.Param("@a", after); cmd.Param("@l", (long)limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<EntryChange>(Math.Min(limit, 10_000));
        while (await r.ReadAsync(ct))
        {
            bool removed = r.GetInt64(2) != 0;
            var entry = ReadEntry(r, 3);
            list.Add(new EntryChange(r.GetInt64(0), r.GetInt64(1), entry.Bank, entry.SignalType, entry.Value, removed, !removed && entry.Disabled, removed ? null : entry));
        }
        return list;
    }

    // The store-wide feed's statement narrowed to one bank, so both read the same columns the same
    // way: each arm becomes a range of entries_bank_change (bank_id, change_seq, id) or
    // entry_removals_bank_change (bank_name, change_seq, entry_id).
    internal static string BankChangesSql => s_bankChangesSql ??= ChangesSql
        .Replace("FROM entries e JOIN banks b ON b.id = e.bank_id WHERE ", "FROM entries e JOIN banks b ON b.id = e.bank_id WHERE e.bank_id = @b AND ", StringComparison.Ordinal)
        .Replace("FROM entry_removals r WHERE ", "FROM entry_removals r WHERE r.bank_name = @n AND ", StringComparison.Ordinal);

    // Built on first use: ChangesSql lives in another part of the class, whose initialisation order is not this file's.
    private static string? s_bankChangesSql;
}
