using System.Globalization;
using Safeguard.Banks;
using Safeguard.Exchanges;
using Safeguard.Signals;
using Safeguard.Storage.Banks;
using BankSql = Safeguard.Storage.Banks.SqlBankStore;

namespace Safeguard.Storage.Exchanges;

public sealed partial class SqlExchangeStore
{
    public async Task<PageResult> ApplyPageAsync(string name, ExchangePage page, string? expectedCheckpoint, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Checkpoint is null) throw new ExchangeException($"exchange '{name}': a page came without a checkpoint");
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var tx = await Database.BeginWriteAsync(conn, ct);
        // In PostgreSQL the row lock makes a second fetcher wait here and then see the moved checkpoint.
        var current = await ReadForWriteAsync(conn, tx, name, ct);
        var (exchangeId, bankId, bank, stored) = (current.ExchangeId, current.BankId, current.Bank, current.Checkpoint);
        if (!string.Equals(stored, expectedCheckpoint, StringComparison.Ordinal))
            throw new ExchangeException($"exchange '{name}': its checkpoint moved while this page was fetched (another fetch got there first); nothing stored");

        var result = new PageResult(0, 0, 0, 0, 0, 0);
        long pending = current.Pending;
        bool initialLoad = current.InitialLoad;
        if (!page.Unchanged)
        {
            // The first page into an empty bank starts an initial load; past its first entries, pages are gathered.
            if (stored is null && current.Pending == 0 && !await BankSql.BankHasEntriesInTransactionAsync(conn, tx, bankId, ct)) initialLoad = true;
            var split = new ItemSplitter(page.Items ?? [], name, MaxFieldChars, MaxWithdrawalsPerPage, ct);
            var options = new ImportOptions { Replace = page.ReplacesAll, Source = new ImportSource(SourceName(name), null) };
            var reason = WithdrawReason(name);
            // A merge left half done (its cursor set) is finished before anything else is stored.
            if (initialLoad && !page.ReplacesAll && current.MergedUpTo is null && (pending > 0 || current.Added >= current.BulkAfter))
            {
                var (read, appended) = await Banks.AppendPendingInTransactionAsync(conn, tx, exchangeId, split.Additions(), ct);
                pending += appended + await BankSql.AppendPendingWithdrawalsInTransactionAsync(conn, tx, exchangeId, split.Withdrawals, ct);
                result = new PageResult(split.Read, 0, 0, 0, read - appended, split.Rejected);
                if (split.UpstreamIdWithdrawals.Count > 0)
                {
                    // Withdrawals by upstream id need the entries in the bank: gathered ones go in first.
                    var merged = await FlushPendingAsync(conn, tx, current, options, reason, ct);
                    long byId = await Banks.WithdrawByUpstreamIdInTransactionAsync(conn, tx, bankId, split.UpstreamIdWithdrawals, reason, ct);
                    result = result with { Added = merged.Added, Updated = merged.Updated, Withdrawn = merged.Withdrawn + byId, Unchanged = result.Unchanged + merged.Unchanged };
                    pending = 0;
                }
            }
            else
            {
                if (pending > 0)
                {
                    var merged = await FlushPendingAsync(conn, tx, current, options with { Replace = false }, reason, ct);
                    result = new PageResult(0, merged.Added, merged.Updated, merged.Withdrawn, merged.Unchanged, 0);
                    pending = 0;
                }
                var import = await Banks.ImportInTransactionAsync(conn, tx, bank, split.Additions(), options, ct);
                long withdrawn = split.Withdrawals.Count == 0 ? 0
                    : await Banks.WithdrawInTransactionAsync(conn, tx, bankId, split.Withdrawals, reason, ct);
                long withdrawnById = split.UpstreamIdWithdrawals.Count == 0 ? 0
                    : await Banks.WithdrawByUpstreamIdInTransactionAsync(conn, tx, bankId, split.UpstreamIdWithdrawals, reason, ct);
                result = new PageResult(split.Read, result.Added + import.Added, result.Updated + import.Updated + import.Reenabled,
                    result.Withdrawn + withdrawn + withdrawnById + import.Disabled,
                    result.Unchanged + import.Unchanged + import.KeptDisabled + (split.Withdrawals.Count - withdrawn), split.Rejected);
            }
        }
        await Db.ExecAsync(conn, tx,
            "UPDATE exchange_status SET checkpoint = @c, upstream_time = COALESCE(@u, upstream_time), pages = pages + @p, " +
            "added = added + @a, updated = updated + @up, withdrawn = withdrawn + @w, pending = @pe, initial_load = @il" +
            (pending == 0 ? ", merge_after_type = NULL, merge_after_key = NULL" : "") + " WHERE exchange_id = @x", ct,
            ("@c", page.Checkpoint), ("@u", page.UpstreamTime?.ToUnixTimeMilliseconds()), ("@p", page.Unchanged ? 0L : 1L),
            ("@a", result.Added), ("@up", result.Updated), ("@w", result.Withdrawn), ("@pe", pending), ("@il", initialLoad ? 1L : 0L), ("@x", exchangeId));
        ct.ThrowIfCancellationRequested();
        await tx.CommitAsync(CancellationToken.None);
        return result;
    }

    /// <summary>How much of a SQLite database file the merge maps into memory (address space, not allocated memory).</summary>
    private const long MergeMapBytes = 64L << 30;

    public async Task<PageResult?> FinishInitialLoadAsync(string name, CancellationToken ct = default)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        // The merge sorts every gathered row once: in SQLite that sort spills to temporary files, not
        // to memory (this connection keeps temporary tables in memory otherwise), and may use a second thread.
        // Walking the rows in key order reads the gathered table's pages in random order: mapped into
        // memory, each read is a memory access instead of a system call (less than half the CPU time in a
        // 1M-row check). The mapping is the file's page cache, which the kernel reclaims under pressure.
        if (!Database.IsPostgres) await Db.ExecAsync(conn, null, $"PRAGMA temp_store = FILE; PRAGMA threads = 2; PRAGMA mmap_size = {MergeMapBytes}", ct);
        try
        {
            return await FinishInitialLoadAsync(conn, name, ct);
        }
        finally
        {
            if (!Database.IsPostgres) await Db.ExecAsync(conn, null, "PRAGMA temp_store = MEMORY; PRAGMA threads = 0; PRAGMA mmap_size = 0", CancellationToken.None);
        }
    }

    private async Task<PageResult?> FinishInitialLoadAsync(System.Data.Common.DbConnection conn, string name, CancellationToken ct)
    {
        // In ranges of keys, each committed with its cursor: the transaction (and SQLite's write-ahead
        // log) stays small, and a crash resumes after the last range committed.
        PendingMerge? total = null;
        for (int chunk = 0; ; chunk++)
        {
            await using var tx = await Database.BeginWriteAsync(conn, ct);
            var current = await ReadForWriteAsync(conn, tx, name, ct);
            if (!current.InitialLoad && current.Pending == 0) return Result(total);
            if (current.Pending == 0 || chunk >= MaxMergeRangesPerCall)
            {
                if (current.Pending == 0) await Db.ExecAsync(conn, tx, "UPDATE exchange_status SET initial_load = 0 WHERE exchange_id = @x", ct, ("@x", current.ExchangeId));
                await tx.CommitAsync(CancellationToken.None);
                return Result(total);
            }
            await BankSql.EnsurePendingIndexAsync(conn, tx, ct);
            var upTo = await BankSql.NextPendingBoundaryAsync(conn, tx, current.ExchangeId, current.MergedUpTo, MergeRangeKeys, ct);
            var merged = await Banks.MergePendingInTransactionAsync(conn, tx, current.ExchangeId, current.BankId,
                new ImportOptions { Source = new ImportSource(SourceName(name), null) }, WithdrawReason(name), current.MergedUpTo, upTo, ct);
            total = total is null ? merged : total.Plus(merged);
            if (upTo is null) await Banks.ClearPendingInTransactionAsync(conn, tx, current.ExchangeId, ct);
            await Db.ExecAsync(conn, tx,
                "UPDATE exchange_status SET added = added + @a, updated = updated + @up, withdrawn = withdrawn + @w, merge_after_type = @mt, merge_after_key = @mk" +
                (upTo is null ? ", pending = 0, initial_load = 0" : "") + " WHERE exchange_id = @x", ct,
                ("@a", merged.Added), ("@up", merged.Updated), ("@w", merged.Withdrawn), ("@mt", upTo?.SignalType), ("@mk", upTo?.ValueKey), ("@x", current.ExchangeId));
            ct.ThrowIfCancellationRequested();
            await tx.CommitAsync(CancellationToken.None);
            if (upTo is null) return Result(total);
        }

        static PageResult? Result(PendingMerge? m) => m is null ? null : new PageResult(0, m.Added, m.Updated, m.Withdrawn, m.Unchanged, 0);
    }

    /// <summary>Merges what is left of the gathered rows (after a half-done merge's cursor) and empties them, in the caller's transaction.</summary>
    private async Task<PendingMerge> FlushPendingAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, WriteView current,
        ImportOptions options, string reason, CancellationToken ct)
    {
        var merged = await Banks.MergePendingInTransactionAsync(conn, tx, current.ExchangeId, current.BankId, options, reason, current.MergedUpTo, null, ct);
        await Banks.ClearPendingInTransactionAsync(conn, tx, current.ExchangeId, ct);
        return merged;
    }

    private sealed record WriteView(long ExchangeId, long BankId, string Bank, string? Checkpoint, bool InitialLoad, long Pending, long Added, long BulkAfter,
        PendingKey? MergedUpTo);

    /// <summary>The exchange's row for a write (locked in PostgreSQL, so a second fetcher waits and then sees what the first did).</summary>
    private async Task<WriteView> ReadForWriteAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, string name, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx,
            "SELECT x.id, x.bank_id, b.name, s.checkpoint, s.initial_load, s.pending, s.added, x.settings, s.merge_after_type, s.merge_after_key FROM exchanges x JOIN banks b ON b.id = x.bank_id " +
            "JOIN exchange_status s ON s.exchange_id = x.id WHERE x.name = @n" + (Database.IsPostgres ? " FOR UPDATE OF s" : ""), ("@n", name));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new ExchangeException($"no exchange named '{name}'");
        var settings = ParseSettings(r.GetString(7));
        return new WriteView(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetStringOrNull(3), r.GetInt64(4) != 0, r.GetInt64(5), r.GetInt64(6),
            Math.Max(0, settings.GetInt(ExchangeFetcher.BulkAfterSetting, ExchangeFetcher.DefaultBulkAfter)),
            r.GetStringOrNull(8) is { } mt && r.GetStringOrNull(9) is { } mk ? new PendingKey(mt, mk) : null);
    }

    private static string WithdrawReason(string name) =>
        $"withdrawn by exchange {name} at {DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z";

    /// <summary>The source recorded on the entries an exchange adds.</summary>
    public static string SourceName(string exchange) => "exchange:" + exchange;

    /// <summary>
    /// Reads a page's items once: additions stream on to the import, withdrawals are kept (as keys)
    /// to apply after it, and hostile items are counted and dropped. Upstream order decides when an
    /// item is both added and withdrawn in one page: the later one wins.
    /// </summary>
    private sealed class ItemSplitter(IEnumerable<ExchangeItem> items, string exchange, int maxField, int maxWithdrawals, CancellationToken ct)
    {
        private readonly HashSet<(SignalType, string)> _withdrawn = [];
        private readonly HashSet<string> _withdrawnIds = new(StringComparer.Ordinal);
        private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

        public long Read { get; private set; }
        public long Rejected { get; private set; }
        public HashSet<(SignalType, string)> Withdrawals => _withdrawn;
        /// <summary>Upstream ids whose entries are all withdrawn (a service that names deletions by id only).</summary>
        public HashSet<string> UpstreamIdWithdrawals => _withdrawnIds;

        public IEnumerable<EntryRecord> Additions()
        {
            foreach (var item in items)
            {
                ct.ThrowIfCancellationRequested(); // a cancelled fetch stores nothing of the page
                Read++;
                if (item is { ByUpstreamId: true, Withdrawn: true })
                {
                    if (item.UpstreamId is not { Length: > 0 } withdrawnId || withdrawnId.Length > maxField) { Rejected++; continue; }
                    if (_withdrawnIds.Count + _withdrawn.Count >= maxWithdrawals)
                        throw new ExchangeException($"exchange '{exchange}': a page withdraws more than {maxWithdrawals} entries");
                    _withdrawnIds.Add(withdrawnId);
                    continue;
                }
                if (item?.Entry is not { } entry || Check(entry) is not { } value) { Rejected++; continue; }
                var key = (entry.Type, value);
                if (item.Withdrawn)
                {
                    if (_withdrawn.Count >= maxWithdrawals)
                        throw new ExchangeException($"exchange '{exchange}': a page withdraws more than {maxWithdrawals} entries");
                    _withdrawn.Add(key);
                    continue;
                }
                if (_withdrawn.Count > 0) _withdrawn.Remove(key);
                if (item.UpstreamId is { } uid && uid.Length > maxField) { Rejected++; continue; }
                var metadata = entry.Metadata;
                if (item.UpstreamId is { } id)
                    metadata = new Dictionary<string, string>(metadata ?? BankEntry.EmptyMetadata, StringComparer.Ordinal) { ["upstream_id"] = id };
                var record = entry with { Value = value, Metadata = metadata };
                // The bank's own field rules (metadata keys, URI schemes, quarantine limits) reject one item, never the page.
                try { EntryFields.Validate(record, _now); }
                catch (BankException) { Rejected++; continue; }
                yield return record;
            }
        }

        /// <summary>The normalised value, or null when the item is not fit to store.</summary>
        private string? Check(EntryRecord e)
        {
            if (e.Type is null || e.Value is null) return null;
            if (e.Category is < 0 or > 4) return null;
            if (TooLong(e.ContentId) || TooLong(e.Grade) || TooLong(e.Note) || TooLong(e.OriginalMediaUri)) return null;
            if (e.Tags is not null && (e.Tags.Count > 1000 || e.Tags.Any(t => t is null || TooLong(t)))) return null;
            if (e.Metadata is { } m && (m.Count > 1000 || m.Any(kv => TooLong(kv.Key) || TooLong(kv.Value)))) return null;
            return e.Type.TryNormalize(e.Value, out _);
        }

        private bool TooLong(string? s) => s is not null && s.Length > maxField;
    }
}
