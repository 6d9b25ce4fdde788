using System.Data.Common;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Exchanges;
using Safeguard.Storage.Banks;

namespace Safeguard.Storage.Exchanges;

/// <summary>
/// Exchanges, their status and the feedback outbox in the banks' database (SQLite or PostgreSQL),
/// so that a page's entries and its checkpoint commit together.
/// </summary>
public sealed partial class SqlExchangeStore(SqlBankStore banks) : IExchangeStore
{
    /// <summary>The bank store whose database and tables the exchanges share.</summary>
    public SqlBankStore Banks { get; } = banks;

    private Database Database => Banks.Database;

    /// <summary>The longest note, metadata value, content id or tag an item may carry; longer items are rejected.</summary>
    public int MaxFieldChars { get; init; } = new ExchangeLimits().MaxFieldChars;

    /// <summary>Keys merged per transaction when an initial load's gathered entries go into the bank.</summary>
    public int MergeRangeKeys { get; set; } = 100_000;

    /// <summary>Ranges merged per <see cref="FinishInitialLoadAsync"/> call (the rest at the next); unlimited unless set.</summary>
    public int MaxMergeRangesPerCall { get; set; } = int.MaxValue;

    /// <summary>The most withdrawals one page may carry (they are held in memory while the page's additions stream in).</summary>
    public int MaxWithdrawalsPerPage { get; init; } = 1_000_000;

    private const string InfoColumns =
        "x.name, x.type, b.name, x.settings, x.enabled, x.feedback_enabled, x.interval_seconds, x.created_at";

    private const string InfoFrom = "FROM exchanges x JOIN banks b ON b.id = x.bank_id";

    // ---- exchanges ----

    public async Task<ExchangeInfo> AddAsync(ExchangeInfo exchange, CancellationToken ct = default)
    {
        ValidateName(exchange.Name, "exchange");
        ValidateName(exchange.Bank, "bank");
        if (exchange.Interval <= TimeSpan.Zero) throw new ExchangeException($"exchange '{exchange.Name}': the interval must be positive");
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var tx = await Database.BeginWriteAsync(conn, ct);
        if (await Db.ScalarAsync(conn, tx, "SELECT id FROM exchanges WHERE name = @n", ct, ("@n", exchange.Name)) is not null)
            throw new ExchangeException($"exchange '{exchange.Name}' already exists");
        var bankId = await SqlBankStore.FindBankIdInTransactionAsync(conn, tx, exchange.Bank, ct);
        if (bankId is null)
        {
            await Db.ExecAsync(conn, tx, "INSERT INTO banks (name, description, verified, created_at) VALUES (@n, @d, 0, @t)", ct,
                ("@n", exchange.Bank), ("@d", $"filled by exchange {exchange.Name}"), ("@t", Db.NowMillis()));
            bankId = await SqlBankStore.FindBankIdInTransactionAsync(conn, tx, exchange.Bank, ct);
        }
        else if (await Db.ScalarAsync(conn, tx, "SELECT id FROM exchanges WHERE bank_id = @b", ct, ("@b", bankId)) is not null)
        {
            throw new ExchangeException($"bank '{exchange.Bank}' is already filled by another exchange");
        }
        var now = exchange.CreatedAt == default ? Db.NowMillis() : exchange.CreatedAt.ToUnixTimeMilliseconds();
        await Db.ExecAsync(conn, tx,
            "INSERT INTO exchanges (name, type, bank_id, settings, enabled, feedback_enabled, interval_seconds, created_at) VALUES (@n, @ty, @b, @s, @e, @f, @i, @t)", ct,
            ("@n", exchange.Name), ("@ty", exchange.Type), ("@b", bankId), ("@s", SettingsJson(exchange.Settings)),
            ("@e", exchange.Enabled ? 1L : 0L), ("@f", exchange.FeedbackEnabled ? 1L : 0L), ("@i", (long)exchange.Interval.TotalSeconds), ("@t", now));
        await Db.ExecAsync(conn, tx, "INSERT INTO exchange_status (exchange_id) SELECT id FROM exchanges WHERE name = @n", ct, ("@n", exchange.Name));
        await tx.CommitAsync(ct);
        return await GetAsync(exchange.Name, ct) ?? throw new ExchangeException($"exchange '{exchange.Name}' vanished after creation");
    }

    private static void ValidateName(string name, string what)
    {
        try { SqlBankStore.ValidateBankName(name); }
        catch (BankException ex) { throw new ExchangeException($"{what} name: {ex.Message}"); }
    }

    public async Task<IReadOnlyList<ExchangeInfo>> ListAsync(CancellationToken ct = default) =>
        await QueryInfoAsync($"SELECT {InfoColumns} {InfoFrom} ORDER BY x.name", ct);

    public async Task<ExchangeInfo?> GetAsync(string name, CancellationToken ct = default) =>
        (await QueryInfoAsync($"SELECT {InfoColumns} {InfoFrom} WHERE x.name = @n", ct, ("@n", name))).FirstOrDefault();

    public async Task<ExchangeInfo?> FindByBankAsync(string bank, CancellationToken ct = default) =>
        (await QueryInfoAsync($"SELECT {InfoColumns} {InfoFrom} WHERE b.name = @n", ct, ("@n", bank))).FirstOrDefault();

    private async Task<List<ExchangeInfo>> QueryInfoAsync(string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ExchangeInfo>();
        while (await r.ReadAsync(ct))
            list.Add(new ExchangeInfo
            {
                Name = r.GetString(0), Type = r.GetString(1), Bank = r.GetString(2), Settings = ParseSettings(r.GetString(3)),
                Enabled = r.GetInt64(4) != 0, FeedbackEnabled = r.GetInt64(5) != 0,
                Interval = TimeSpan.FromSeconds(r.GetInt64(6)), CreatedAt = Db.FromMillis(r.GetInt64(7)),
            });
        return list;
    }

    public async Task<ExchangeInfo?> UpdateAsync(string name, bool? enabled = null, bool? feedbackEnabled = null, TimeSpan? interval = null,
        ExchangeSettings? settings = null, CancellationToken ct = default)
    {
        if (interval is { } i && i <= TimeSpan.Zero) throw new ExchangeException($"exchange '{name}': the interval must be positive");
        await using (var conn = await Database.OpenConnectionAsync(ct))
        await using (var tx = await Database.BeginWriteAsync(conn, ct))
        {
            int n = await Db.ExecAsync(conn, tx,
                "UPDATE exchanges SET enabled = COALESCE(@e, enabled), feedback_enabled = COALESCE(@f, feedback_enabled), " +
                "interval_seconds = COALESCE(@i, interval_seconds), settings = COALESCE(@s, settings) WHERE name = @n", ct,
                ("@e", enabled is { } e ? (e ? 1L : 0L) : null), ("@f", feedbackEnabled is { } f ? (f ? 1L : 0L) : null),
                ("@i", interval is { } iv ? (long)iv.TotalSeconds : null), ("@s", settings is null ? null : SettingsJson(settings)), ("@n", name));
            if (n == 0) return null;
            await tx.CommitAsync(ct);
        }
        return await GetAsync(name, ct);
    }

    public async Task<bool> RemoveAsync(string name, CancellationToken ct = default)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var tx = await Database.BeginWriteAsync(conn, ct);
        // Explicit deletes: SQLite connections opened without foreign_keys would not cascade.
        var id = await Db.ScalarAsync(conn, tx, "SELECT id FROM exchanges WHERE name = @n", ct, ("@n", name));
        if (id is null) return false;
        await Db.ExecAsync(conn, tx, "DELETE FROM exchange_feedback WHERE exchange_id = @i", ct, ("@i", id));
        await Db.ExecAsync(conn, tx, "DELETE FROM exchange_pending WHERE exchange_id = @i", ct, ("@i", id)); // an initial load's gathered rows
        await Db.ExecAsync(conn, tx, "DELETE FROM exchange_status WHERE exchange_id = @i", ct, ("@i", id));
        await Db.ExecAsync(conn, tx, "DELETE FROM exchanges WHERE id = @i", ct, ("@i", id));
        await tx.CommitAsync(ct);
        return true;
    }

    private static string SettingsJson(ExchangeSettings settings) =>
        JsonSerializer.Serialize(settings.Values.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

    private static ExchangeSettings ParseSettings(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []);

    // ---- status ----

    private const string StatusColumns =
        "x.name, s.checkpoint, s.last_fetch, s.last_success, s.upstream_time, s.error, s.consecutive_failures, s.next_fetch, s.pages, s.added, s.updated, s.withdrawn, s.pending";

    public async Task<ExchangeStatus?> GetStatusAsync(string name, CancellationToken ct = default) =>
        (await QueryStatusAsync(" WHERE x.name = @n", ct, ("@n", name))).FirstOrDefault();

    public async Task<IReadOnlyList<ExchangeStatus>> ListStatusAsync(CancellationToken ct = default) =>
        await QueryStatusAsync(" ORDER BY x.name", ct);

    private async Task<List<ExchangeStatus>> QueryStatusAsync(string tail, CancellationToken ct, params (string, object?)[] args)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, $"SELECT {StatusColumns} FROM exchanges x JOIN exchange_status s ON s.exchange_id = x.id" + tail, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ExchangeStatus>();
        while (await r.ReadAsync(ct))
            list.Add(new ExchangeStatus
            {
                Name = r.GetString(0), Checkpoint = r.GetStringOrNull(1), LastFetch = Time(r, 2), LastSuccess = Time(r, 3),
                UpstreamTime = Time(r, 4), Error = r.GetStringOrNull(5), ConsecutiveFailures = (int)r.GetInt64(6), NextFetch = Time(r, 7),
                Pages = r.GetInt64(8), Added = r.GetInt64(9), Updated = r.GetInt64(10), Withdrawn = r.GetInt64(11),
                Pending = r.GetInt64(12),
            });
        return list;
    }

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.GetLongOrNull(i) is { } ms ? Db.FromMillis(ms) : null;

    public async Task RecordFetchStartAsync(string name, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var tx = await Database.BeginWriteAsync(conn, ct);
        await RequireUpdatedAsync(name, await Db.ExecAsync(conn, tx,
            "UPDATE exchange_status SET last_fetch = @t WHERE exchange_id = (SELECT id FROM exchanges WHERE name = @n)", ct,
            ("@t", at.ToUnixTimeMilliseconds()), ("@n", name)));
        await tx.CommitAsync(ct);
    }

    public async Task RecordFetchEndAsync(string name, DateTimeOffset at, string? error, DateTimeOffset nextFetch, CancellationToken ct = default)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var tx = await Database.BeginWriteAsync(conn, ct);
        var sql = error is null
            ? "UPDATE exchange_status SET last_success = @t, error = NULL, consecutive_failures = 0, next_fetch = @x WHERE exchange_id = (SELECT id FROM exchanges WHERE name = @n)"
            : "UPDATE exchange_status SET error = @e, consecutive_failures = consecutive_failures + 1, next_fetch = @x WHERE exchange_id = (SELECT id FROM exchanges WHERE name = @n)";
        await RequireUpdatedAsync(name, await Db.ExecAsync(conn, tx, sql, ct,
            ("@t", at.ToUnixTimeMilliseconds()), ("@e", error is null ? null : Shorten(error, 2000)), ("@x", nextFetch.ToUnixTimeMilliseconds()), ("@n", name)));
        await tx.CommitAsync(ct);
    }

    private static Task RequireUpdatedAsync(string name, int rows) =>
        rows == 0 ? throw new ExchangeException($"no exchange named '{name}'") : Task.CompletedTask;

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    // ---- feedback outbox ----

    public async Task EnqueueFeedbackAsync(string exchange, ExchangeFeedback feedback, CancellationToken ct = default)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var tx = await Database.BeginWriteAsync(conn, ct);
        var id = await Db.ScalarAsync(conn, tx, "SELECT id FROM exchanges WHERE name = @n", ct, ("@n", exchange))
            ?? throw new ExchangeException($"no exchange named '{exchange}'");
        await Db.ExecAsync(conn, tx,
            "INSERT INTO exchange_feedback (exchange_id, signal_type, value, verdict, upstream_id, metadata, note, attempts, created_at) " +
            "VALUES (@x, @ty, @v, @vd, @u, @m, @no, 0, @t)", ct,
            ("@x", id), ("@ty", feedback.SignalType), ("@v", feedback.Value), ("@vd", feedback.Verdict.ToString()), ("@u", feedback.UpstreamId),
            ("@m", JsonSerializer.Serialize(feedback.Metadata)), ("@no", feedback.Note), ("@t", Db.NowMillis()));
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<PendingFeedback>> PendingFeedbackAsync(int limit, CancellationToken ct = default)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "at least one");
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null,
            "SELECT f.id, x.name, f.signal_type, f.value, f.verdict, f.upstream_id, f.metadata, f.note, f.attempts, f.created_at " +
            "FROM exchange_feedback f JOIN exchanges x ON x.id = f.exchange_id WHERE f.sent_at IS NULL ORDER BY f.id LIMIT @l", ("@l", (long)limit));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<PendingFeedback>();
        while (await r.ReadAsync(ct))
        {
            var verdict = Enum.TryParse<FeedbackVerdict>(r.GetString(4), out var v) ? v : FeedbackVerdict.Confirmed;
            var feedback = new ExchangeFeedback(r.GetString(2), r.GetString(3), verdict)
            {
                UpstreamId = r.GetStringOrNull(5),
                Metadata = r.GetStringOrNull(6) is { } m ? JsonSerializer.Deserialize<Dictionary<string, string>>(m) ?? [] : [],
                Note = r.GetStringOrNull(7),
            };
            list.Add(new PendingFeedback(r.GetInt64(0), r.GetString(1), feedback, (int)r.GetInt64(8), Db.FromMillis(r.GetInt64(9))));
        }
        return list;
    }

    public async Task CompleteFeedbackAsync(long id, string? error, CancellationToken ct = default)
    {
        await using var conn = await Database.OpenConnectionAsync(ct);
        await using var tx = await Database.BeginWriteAsync(conn, ct);
        if (error is null)
            await Db.ExecAsync(conn, tx, "UPDATE exchange_feedback SET sent_at = @t, attempts = attempts + 1, last_error = NULL WHERE id = @i", ct,
                ("@t", Db.NowMillis()), ("@i", id));
        else
            await Db.ExecAsync(conn, tx, "UPDATE exchange_feedback SET attempts = attempts + 1, last_error = @e WHERE id = @i", ct,
                ("@e", Shorten(error, 2000)), ("@i", id));
        await tx.CommitAsync(ct);
    }
}
