using System.Globalization;
using Safeguard.Banks;
using Safeguard.Exchanges;
using Safeguard.Signals;

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
        (long ExchangeId, long BankId, string Bank, string? Checkpoint) current;
        await using (var cmd = Db.Command(conn, tx,
            "SELECT x.id, x.bank_id, b.name, s.checkpoint FROM exchanges x JOIN banks b ON b.id = x.bank_id JOIN exchange_status s ON s.exchange_id = x.id WHERE x.name = @n" +
            (Database.IsPostgres ? " FOR UPDATE OF s" : ""), ("@n", name)))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) throw new ExchangeException($"no exchange named '{name}'");
            current = (r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetStringOrNull(3));
        }
        var (exchangeId, bankId, bank, stored) = current;
        if (!string.Equals(stored, expectedCheckpoint, StringComparison.Ordinal))
            throw new ExchangeException($"exchange '{name}': its checkpoint moved while this page was fetched (another fetch got there first); nothing stored");

        var result = new PageResult(0, 0, 0, 0, 0, 0);
        if (!page.Unchanged)
        {
            var split = new ItemSplitter(page.Items, name, MaxFieldChars, MaxWithdrawalsPerPage, ct);
            var import = await Banks.ImportInTransactionAsync(conn, tx, bank, split.Additions(),
                new ImportOptions { Replace = page.ReplacesAll, Source = new ImportSource(SourceName(name), null) }, ct);
            var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            long withdrawn = split.Withdrawals.Count == 0 ? 0
                : await Banks.WithdrawInTransactionAsync(conn, tx, bankId, split.Withdrawals, $"withdrawn by exchange {name} at {now}Z", ct);
            result = new PageResult(split.Read, import.Added, import.Updated + import.Reenabled, withdrawn + import.Disabled,
                import.Unchanged + import.KeptDisabled + (split.Withdrawals.Count - withdrawn), split.Rejected);
        }
        await Db.ExecAsync(conn, tx,
            "UPDATE exchange_status SET checkpoint = @c, upstream_time = COALESCE(@u, upstream_time), pages = pages + @p, " +
            "added = added + @a, updated = updated + @up, withdrawn = withdrawn + @w WHERE exchange_id = @x", ct,
            ("@c", page.Checkpoint), ("@u", page.UpstreamTime?.ToUnixTimeMilliseconds()), ("@p", page.Unchanged ? 0L : 1L),
            ("@a", result.Added), ("@up", result.Updated), ("@w", result.Withdrawn), ("@x", exchangeId));
        ct.ThrowIfCancellationRequested();
        await tx.CommitAsync(CancellationToken.None);
        return result;
    }

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

        public long Read { get; private set; }
        public long Rejected { get; private set; }
        public HashSet<(SignalType, string)> Withdrawals => _withdrawn;

        public IEnumerable<EntryRecord> Additions()
        {
            foreach (var item in items)
            {
                ct.ThrowIfCancellationRequested(); // a cancelled fetch stores nothing of the page
                Read++;
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
                yield return entry with { Value = value, Metadata = metadata };
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
