using System.Data.Common;
using Safeguard.Signals;

namespace Safeguard.Storage.Banks;

/// <summary>The pieces an exchange's page needs inside its own write transaction.</summary>
public abstract partial class SqlBankStore
{
    /// <summary>The bank's id, or null when there is no such bank.</summary>
    internal static Task<long?> FindBankIdInTransactionAsync(DbConnection conn, DbTransaction? tx, string name, CancellationToken ct) =>
        FindBankIdAsync(conn, tx, name, ct);

    /// <summary>
    /// Disables the given enabled entries as withdrawn upstream. They are marked disabled_auto, so
    /// an import that brings one back enables it again; entries a person disabled stay as they are.
    /// Returns how many were disabled (keys absent from the bank or already disabled are not counted).
    /// </summary>
    internal async Task<long> WithdrawInTransactionAsync(DbConnection conn, DbTransaction tx, long bankId,
        IEnumerable<(SignalType Type, string Value)> keys, string reason, CancellationToken ct)
    {
        var seq = await NextSeqAsync(conn, tx, ct);
        long disabled = 0;
        await using var cmd = Db.Command(conn, tx,
            "UPDATE entries SET disabled = 1, disabled_auto = 1, disabled_reason = @r, change_seq = @s " +
            "WHERE bank_id = @b AND signal_type = @ty AND COALESCE(value_key, value) = @k AND value = @v AND disabled = 0");
        cmd.Param("@r", reason); cmd.Param("@s", seq); cmd.Param("@b", bankId);
        var ty = cmd.Param("@ty", ""); var k = cmd.Param("@k", ""); var v = cmd.Param("@v", "");
        foreach (var (type, value) in keys)
        {
            ct.ThrowIfCancellationRequested();
            ty.Value = type.Name; k.Value = ValueKey.Of(value); v.Value = value;
            disabled += await cmd.ExecuteNonQueryAsync(ct);
        }
        if (disabled > 0) await SetSeqAsync(conn, tx, seq, ct);
        return disabled;
    }
}
