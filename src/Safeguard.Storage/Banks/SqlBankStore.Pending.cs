using System.Data.Common;
using Safeguard.Banks;
using Safeguard.Signals;

namespace Safeguard.Storage.Banks;

/// <summary>What merging an exchange's pending rows into its bank changed.</summary>
internal sealed record PendingMerge(long Added, long Updated, long Withdrawn, long Unchanged)
{
    public PendingMerge Plus(PendingMerge o) => new(Added + o.Added, Updated + o.Updated, Withdrawn + o.Withdrawn, Unchanged + o.Unchanged);
}

/// <summary>A gathered row's key (signal type, value key): where a merge in ranges stands.</summary>
internal readonly record struct PendingKey(string SignalType, string ValueKey);

/// <summary>
/// An exchange's initial load: pages are appended to exchange_pending in arrival order (cheap:
/// no random-keyed index to maintain), and merged into the bank once, walking the rows in key order,
/// so every index of the bank grows by appending within the bank's range instead of rewriting
/// random pages of it page after page.
/// </summary>
public abstract partial class SqlBankStore
{
    private protected const string PendingColumns = "signal_type, value, value_key, content_id, category, grade, tags, note, metadata, original_media_uri, disable_until";

    private const string SameKeyLater =
        "SELECT 1 FROM exchange_pending q WHERE q.exchange_id = p.exchange_id AND q.signal_type = p.signal_type AND q.value_key = p.value_key AND q.ord > p.ord";

    // Upstream order decides: the newest row for a key, whether it adds or withdraws ...
    private const string PendingIsLatest = $"NOT EXISTS ({SameKeyLater})";

    // ... and the newest addition carries the entry's fields; a withdrawal after it leaves the entry disabled, kept.
    private const string PendingIsLatestAddition = $"p.withdrawn = 0 AND NOT EXISTS ({SameKeyLater} AND q.withdrawn = 0)";
    private const string PendingWithdrawnLater = $"EXISTS ({SameKeyLater} AND q.withdrawn = 1)";
    private const string Later = $"CASE WHEN {PendingWithdrawnLater} THEN 1 ELSE 0 END";

    private const string PendingInBank =
        "EXISTS (SELECT 1 FROM entries e WHERE e.bank_id = @b AND e.signal_type = p.signal_type AND COALESCE(e.value_key, e.value) = p.value_key)";

    /// <summary>Appends a page's additions, checked and keyed as an import stages them; returns (read, appended).</summary>
    internal Task<(long Read, long Appended)> AppendPendingInTransactionAsync(DbConnection conn, DbTransaction tx, long exchangeId,
        IEnumerable<EntryRecord> additions, CancellationToken ct) =>
        AppendPendingRowsAsync(conn, tx, exchangeId, Checked(additions, DateTimeOffset.UtcNow), ct);

    /// <summary>Appends checked records through staging (one row per key, the first standing); a backend may append more directly.</summary>
    internal virtual async Task<(long Read, long Appended)> AppendPendingRowsAsync(DbConnection conn, DbTransaction tx, long exchangeId,
        IEnumerable<EntryRecord> checkedRecords, CancellationToken ct)
    {
        long read = await StageAsync(conn, tx, checkedRecords, ct);
        long appended = await Db.ExecAsync(conn, tx,
            $"INSERT INTO exchange_pending (exchange_id, withdrawn, {PendingColumns}) SELECT @x, 0, {PendingColumns} FROM staging ORDER BY ord", ct,
            ("@x", exchangeId));
        await DropStagingAsync(conn, tx, ct);
        return (read, appended);
    }

    /// <summary>Appends withdrawals (after the page's additions, so they are newer); returns how many.</summary>
    internal static async Task<long> AppendPendingWithdrawalsInTransactionAsync(DbConnection conn, DbTransaction tx, long exchangeId,
        IEnumerable<(SignalType Type, string Value)> keys, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx,
            "INSERT INTO exchange_pending (exchange_id, withdrawn, signal_type, value, value_key) VALUES (@x, 1, @ty, @v, @k)");
        cmd.Param("@x", exchangeId);
        var ty = cmd.Param("@ty", ""); var v = cmd.Param("@v", ""); var k = cmd.Param("@k", "");
        long n = 0;
        foreach (var (type, value) in keys)
        {
            ty.Value = type.Name; v.Value = value; k.Value = ValueKey.Of(value);
            n += await cmd.ExecuteNonQueryAsync(ct);
        }
        return n;
    }

    /// <summary>
    /// The next range of gathered keys to merge: after <paramref name="after"/> (null: from the start) up
    /// to and including the key <paramref name="keys"/> keys on (null end: to the last key). Ranges end
    /// on whole keys, so every row of a key is merged together.
    /// </summary>
    internal static async Task<PendingKey?> NextPendingBoundaryAsync(DbConnection conn, DbTransaction tx, long exchangeId, PendingKey? after, int keys, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx,
            "SELECT signal_type, value_key FROM exchange_pending p WHERE exchange_id = @x" + (after is null ? "" : $" AND {After}") +
            " ORDER BY exchange_id, signal_type, value_key, ord LIMIT 1 OFFSET @n", ("@x", exchangeId), ("@n", (long)keys - 1));
        if (after is { } a) { cmd.Param("@at", a.SignalType); cmd.Param("@ak", a.ValueKey); }
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new PendingKey(r.GetString(0), r.GetString(1)) : null;
    }

    // Row values: both databases seek the (exchange_id, signal_type, value_key, ...) index to the range.
    private const string After = "(p.signal_type, p.value_key) > (@at, @ak)";
    private const string UpTo = "(p.signal_type, p.value_key) <= (@bt, @bk)";

    /// <summary>
    /// Moves the exchange's gathered rows with keys in (<paramref name="after"/>, <paramref name="upTo"/>]
    /// (null: open) into its bank, inside the caller's transaction: keys the bank already holds follow the
    /// import's rules (re-enabled when withdrawn automatically, metadata merged, a person's disable kept);
    /// the rest are inserted in key order, disabled when withdrawn after their last addition (kept, as
    /// page by page they would be); keys whose newest row is a withdrawal are disabled if the bank holds
    /// them. The rows stay until <see cref="ClearPendingInTransactionAsync"/>.
    /// </summary>
    internal async Task<PendingMerge> MergePendingInTransactionAsync(DbConnection conn, DbTransaction tx, long exchangeId, long bankId,
        ImportOptions options, string withdrawReason, PendingKey? after, PendingKey? upTo, CancellationToken ct)
    {
        await EnsurePendingIndexAsync(conn, tx, ct);
        var range = new List<(string, object?)> { ("@x", exchangeId), ("@b", bankId) };
        string inRange = "";
        if (after is { } a) { inRange += $" AND {After}"; range.Add(("@at", a.SignalType)); range.Add(("@ak", a.ValueKey)); }
        if (upTo is { } u) { inRange += $" AND {UpTo}"; range.Add(("@bt", u.SignalType)); range.Add(("@bk", u.ValueKey)); }
        (string, object?)[] With(params (string, object?)[] more) => [.. range, .. more];

        // Withdrawals are rare in an initial load: without any in the range, no row needs the
        // per-row "withdrawn later" probes and step 3 has nothing to do.
        bool anyWithdrawn = await Db.ScalarLongAsync(conn, tx,
            $"SELECT COUNT(*) FROM (SELECT 1 FROM exchange_pending p WHERE p.exchange_id = @x{inRange} AND p.withdrawn = 1 LIMIT 1) w", ct, With()) > 0;
        string later = anyWithdrawn ? Later : "0";

        // 1. Keys already in the bank: through staging and the import's own statements. Within one signal
        // type the bank's own range of keys is walked (it holds far fewer keys than the load brings);
        // otherwise each gathered row probes the bank.
        await StageAsync(conn, tx, [], ct);
        string keysInBank = after is { } from && upTo is { } to && from.SignalType == to.SignalType
            ? $"INSERT INTO staging (ord, {PendingColumns}) SELECT p.ord, {Prefixed("p.")} FROM entries e CROSS JOIN exchange_pending p " +
              "WHERE e.bank_id = @b AND e.signal_type = @at AND COALESCE(e.value_key, e.value) > @ak AND COALESCE(e.value_key, e.value) <= @bk " +
              $"AND p.exchange_id = @x AND p.signal_type = e.signal_type AND p.value_key = COALESCE(e.value_key, e.value) AND {PendingIsLatestAddition}"
            : $"INSERT INTO staging (ord, {PendingColumns}) SELECT p.ord, {Prefixed("p.")} FROM exchange_pending p " +
              $"WHERE p.exchange_id = @x{inRange} AND {PendingIsLatestAddition} AND {PendingInBank}";
        long inBank = await Db.ExecAsync(conn, tx, keysInBank, ct, With());
        var existing = inBank == 0 ? null : await ApplyStagedAsync(conn, tx, bankId, inBank, options with { Replace = false }, ct);
        if (inBank == 0) await DropStagingAsync(conn, tx, ct);

        // 2. New keys, in key order; a key the bank holds (step 1 dealt with it) is left alone by the unique key index.
        var seq = await NextSeqAsync(conn, tx, ct);
        long now = Db.NowMillis();
        long waitHours = await Db.ScalarLongAsync(conn, tx, "SELECT new_entry_wait_hours FROM banks WHERE id = @b", ct, ("@b", bankId));
        long added = await Db.ExecAsync(conn, tx,
            "INSERT INTO entries (bank_id, signal_type, value, value_key, content_id, category, grade, tags, source_name, source_file, added_at, disabled, disabled_auto, disabled_reason, change_seq, " +
            "note, metadata, original_media_uri, disable_until) " +
            "SELECT @b, p.signal_type, p.value, CASE WHEN p.value_key = p.value THEN NULL ELSE p.value_key END, p.content_id, p.category, p.grade, p.tags, @sn, @sf, @t, " +
            $"{later}, {later}, CASE WHEN {later} = 1 THEN @r END, @s, p.note, p.metadata, p.original_media_uri, COALESCE(p.disable_until, @wait) " +
            "FROM exchange_pending p " +
            $"WHERE p.exchange_id = @x{inRange} AND {PendingIsLatestAddition} " +
            "ORDER BY p.exchange_id, p.signal_type, p.value_key, p.ord ON CONFLICT DO NOTHING",
            ct, With(("@s", seq), ("@r", withdrawReason), ("@sn", options.Source.Name), ("@sf", options.Source.File), ("@t", now),
            ("@wait", waitHours > 0 ? now + waitHours * 3_600_000 : (object?)null)));

        // 3. Withdrawn last: the bank's enabled entries for those keys are disabled, as a page's withdrawals are.
        long withdrawn = !anyWithdrawn ? 0 : await Db.ExecAsync(conn, tx,
            "UPDATE entries SET disabled = 1, disabled_auto = 1, disabled_reason = @r, change_seq = @s FROM exchange_pending p " +
            $"WHERE p.exchange_id = @x{inRange} AND p.withdrawn = 1 AND {PendingIsLatest} AND entries.bank_id = @b AND entries.signal_type = p.signal_type " +
            "AND COALESCE(entries.value_key, entries.value) = p.value_key AND entries.value = p.value AND entries.disabled = 0",
            ct, With(("@s", seq), ("@r", withdrawReason)));
        if (added + withdrawn > 0) await SetSeqAsync(conn, tx, seq, ct);

        return new PendingMerge(added + (existing?.Added ?? 0), (existing?.Updated ?? 0) + (existing?.Reenabled ?? 0), withdrawn,
            (existing?.Unchanged ?? 0) + (existing?.KeptDisabled ?? 0));
    }

    // Sorted once, on the first merge: each merge is then a walk in key order, and the bank's own
    // index ranges are probed and extended in the same order.
    internal static Task<int> EnsurePendingIndexAsync(DbConnection conn, DbTransaction tx, CancellationToken ct) =>
        Db.ExecAsync(conn, tx, "CREATE INDEX IF NOT EXISTS exchange_pending_key ON exchange_pending (exchange_id, signal_type, value_key, ord, withdrawn)", ct);

    /// <summary>Empties the exchange's gathered rows once merged. Alone in the table, all of it goes at once, and the sort index with it.</summary>
    internal async Task ClearPendingInTransactionAsync(DbConnection conn, DbTransaction tx, long exchangeId, CancellationToken ct)
    {
        (string, object?) x = ("@x", exchangeId);
        bool others = await Db.ScalarLongAsync(conn, tx,
            "SELECT COUNT(*) FROM (SELECT 1 FROM exchange_pending WHERE exchange_id <> @x LIMIT 1) o", ct, x) > 0;
        // SQLite has one writer, so nobody appends meanwhile; PostgreSQL deletes by exchange.
        if (!others) await Db.ExecAsync(conn, tx, "DROP INDEX IF EXISTS exchange_pending_key", ct);
        if (others || Kind == "postgresql")
            await Db.ExecAsync(conn, tx, "DELETE FROM exchange_pending WHERE exchange_id = @x", ct, x);
        else
            await Db.ExecAsync(conn, tx, "DELETE FROM exchange_pending", ct);
    }

    /// <summary>Whether the bank holds any entry at all.</summary>
    internal static async Task<bool> BankHasEntriesInTransactionAsync(DbConnection conn, DbTransaction tx, long bankId, CancellationToken ct) =>
        await Db.ScalarLongAsync(conn, tx, "SELECT COUNT(*) FROM (SELECT 1 FROM entries WHERE bank_id = @b LIMIT 1) e", ct, ("@b", bankId)) > 0;

    private static string Prefixed(string prefix) => string.Join(", ", PendingColumns.Split(", ").Select(c => prefix + c));
}
