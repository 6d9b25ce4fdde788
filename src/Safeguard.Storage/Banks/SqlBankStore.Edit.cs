using Safeguard.Banks;

namespace Safeguard.Storage.Banks;

// Edits of single entries by id and of a bank's settings (HMA's content and bank routes).
public abstract partial class SqlBankStore
{
    public async Task<BankEntry?> GetEntryAsync(string bank, long id, CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        var bankId = await RequireBankIdAsync(conn, null, bank, ct);
        return await ReadEntryByIdAsync(conn, null, bankId, id, ct);
    }

    private static async Task<BankEntry?> ReadEntryByIdAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? tx, long bankId, long id, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx, $"SELECT {EntryColumns} FROM entries e JOIN banks b ON b.id = e.bank_id WHERE e.bank_id = @b AND e.id = @i");
        cmd.Param("@b", bankId); cmd.Param("@i", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadEntry(r, 0) : null;
    }

    public async Task<BankEntry?> UpdateEntryAsync(string bank, long id, EntryUpdate update, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        EntryFields.ValidateNote(update.Note);
        EntryFields.ValidateMetadata(update.Metadata);
        EntryFields.ValidateUri(update.OriginalMediaUri);
        EntryFields.ValidateDisableUntil(update.DisableUntil, DateTimeOffset.UtcNow);
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        var bankId = await RequireBankIdAsync(conn, tx, bank, ct);
        var current = await ReadEntryByIdAsync(conn, tx, bankId, id, ct);
        if (current is null) return null;
        var note = update.ClearNote ? null : update.Note ?? current.Note;
        var uri = update.ClearOriginalMediaUri ? null : update.OriginalMediaUri ?? current.OriginalMediaUri;
        var until = update.ClearDisableUntil ? null : update.DisableUntil ?? current.DisableUntil;
        var metadata = update.Metadata is { } m ? EntryFields.MetadataToJson(m) : EntryFields.MetadataToJson(current.Metadata);
        bool changed = note != current.Note || uri != current.OriginalMediaUri || until != current.DisableUntil
                       || metadata != EntryFields.MetadataToJson(current.Metadata);
        if (!changed) { await tx.CommitAsync(ct); return current; }
        var seq = await NextSeqAsync(conn, tx, ct);
        await Db.ExecAsync(conn, tx,
            "UPDATE entries SET note = @no, metadata = @md, original_media_uri = @u, disable_until = @du, change_seq = @s WHERE id = @i AND bank_id = @b", ct,
            ("@no", note), ("@md", metadata == "{}" ? null : metadata), ("@u", uri), ("@du", until?.ToUnixTimeMilliseconds()),
            ("@s", seq), ("@i", id), ("@b", bankId));
        await SetSeqAsync(conn, tx, seq, ct);
        var result = await ReadEntryByIdAsync(conn, tx, bankId, id, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    public async Task<bool> DeleteEntryAsync(string bank, long id, CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        var bankId = await RequireBankIdAsync(conn, tx, bank, ct);
        var seq = await NextSeqAsync(conn, tx, ct);
        await Db.ExecAsync(conn, tx,
            "INSERT INTO entry_removals (entry_id, change_seq, bank_name, signal_type, value) SELECT id, @s, @n, signal_type, value FROM entries WHERE bank_id = @b AND id = @i",
            ct, ("@s", seq), ("@n", bank), ("@b", bankId), ("@i", id));
        int removed = await Db.ExecAsync(conn, tx, "DELETE FROM entries WHERE bank_id = @b AND id = @i", ct, ("@b", bankId), ("@i", id));
        if (removed > 0) await SetSeqAsync(conn, tx, seq, ct);
        await tx.CommitAsync(ct);
        return removed > 0;
    }

    public async Task<BankInfo> UpdateBankAsync(string name, BankUpdate update, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.MatchingEnabledRatio is { } ratio) EntryFields.ValidateRatio(ratio);
        EntryFields.ValidateQuarantineHours(update.NewEntryQuarantineHours);
        if (update.Description is { Length: > EntryFields.MaxTextLength } d)
            throw new BankException($"description: {d.Length} characters, at most {EntryFields.MaxTextLength} allowed");
        string newName = update.Rename ?? name;
        if (update.Rename is not null) ValidateBankName(update.Rename);
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        var bankId = await RequireBankIdAsync(conn, tx, name, ct);
        if (newName != name && await FindBankIdAsync(conn, tx, newName, ct) is not null)
            throw new BankException($"bank '{newName}' already exists");
        await Db.ExecAsync(conn, tx,
            "UPDATE banks SET name = @n, description = COALESCE(@d, description), matching_enabled_ratio = COALESCE(@r, matching_enabled_ratio), " +
            "new_entry_wait_hours = COALESCE(@w, new_entry_wait_hours) WHERE id = @b", ct,
            ("@n", newName), ("@d", update.Description), ("@r", update.MatchingEnabledRatio), ("@w", (long?)update.NewEntryQuarantineHours), ("@b", bankId));
        if (newName != name)
        {
            // The change feed names entries by bank: rewriting them tells every follower the new name.
            var seq = await NextSeqAsync(conn, tx, ct);
            await Db.ExecAsync(conn, tx, "UPDATE entries SET change_seq = @s WHERE bank_id = @b", ct, ("@s", seq), ("@b", bankId));
            await SetSeqAsync(conn, tx, seq, ct);
        }
        await tx.CommitAsync(ct);
        return await GetBankAsync(newName, ct) ?? throw BankException.NoSuchBank(newName);
    }
}
