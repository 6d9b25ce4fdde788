using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Safeguard.Signals;
using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Storage.Migrations;

namespace Safeguard.Storage.Banks;

/// <summary>
/// The bank store over SQL; SQLite and PostgreSQL differ only in what the subclasses supply
/// (connections, DDL types, write locking and bulk staging), so both behave the same.
/// </summary>
public abstract partial class SqlBankStore(Database database) : IBankStore
{
    public abstract string Kind { get; }

    /// <summary>The database the banks live in; the server's tables may share it.</summary>
    public Database Database { get; } = database;

    /// <summary>A human-readable name of the database, for messages.</summary>
    protected string Describe => Database.Describe;

    protected Task<DbConnection> OpenConnectionAsync(CancellationToken ct) => Database.OpenConnectionAsync(ct);

    /// <summary>Starts a write transaction that holds the change counter until commit.</summary>
    protected Task<DbTransaction> BeginWriteAsync(DbConnection conn, CancellationToken ct) => Database.BeginWriteAsync(conn, ct);

    /// <summary>Statement that reads the change counter, locking it where the database needs that.</summary>
    protected abstract string LockCounterSql { get; }

    /// <summary>
    /// Loads records into an empty temporary table "staging" (ord, signal_type, value, value_key,
    /// content_id, category, grade, tags, note, metadata, original_media_uri, disable_until), one row per
    /// distinct (signal_type, value), first occurrence kept.
    /// Returns the number of records read from the input.
    /// </summary>
    protected abstract Task<long> StageAsync(DbConnection conn, DbTransaction tx, IEnumerable<EntryRecord> records, CancellationToken ct);

    protected abstract Task DropStagingAsync(DbConnection conn, DbTransaction tx, CancellationToken ct);

    /// <summary>The statement prefix that shows a query's plan instead of running it.</summary>
    protected abstract string ExplainPrefix { get; }

    private const string EntryColumns =
        "e.id, b.name, e.signal_type, e.value, e.content_id, e.category, e.grade, e.tags, e.source_name, e.source_file, e.added_at, e.disabled, e.disabled_reason, e.change_seq, " +
        "e.note, e.metadata, e.original_media_uri, e.disable_until";

    private const string BankColumns = "id, name, description, verified, created_at, matching_enabled_ratio, new_entry_wait_hours";

    // ---- schema ----

    protected Task MigrateAsync(CancellationToken ct) => MigrationRunner.MigrateAsync(Database, BankSchema.Definition, ct);

    public async Task<int> GetSchemaVersionAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        return await MigrationRunner.CurrentAsync(conn, null, BankSchema.Definition, ct);
    }

    // ---- banks ----

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex BankNamePattern();

    public static void ValidateBankName(string name)
    {
        if (!BankNamePattern().IsMatch(name ?? ""))
            throw new BankException($"invalid bank name '{Category.Shorten(name ?? "")}': use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    public async Task<BankInfo> CreateBankAsync(string name, string? description = null, bool verified = false, CancellationToken ct = default)
    {
        ValidateBankName(name);
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        if (await FindBankIdAsync(conn, tx, name, ct) is not null)
            throw new BankException($"bank '{name}' already exists");
        await Db.ExecAsync(conn, tx, "INSERT INTO banks (name, description, verified, created_at) VALUES (@n, @d, @v, @t)", ct,
            ("@n", name), ("@d", description), ("@v", verified ? 1L : 0L), ("@t", Db.NowMillis()));
        await tx.CommitAsync(ct);
        return await GetBankAsync(name, ct) ?? throw new BankException($"bank '{name}' vanished after creation");
    }

    public async Task<IReadOnlyList<BankInfo>> ListBanksAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, $"SELECT {BankColumns} FROM banks ORDER BY name");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<BankInfo>();
        while (await r.ReadAsync(ct)) list.Add(ReadBank(r));
        return list;
    }

    public async Task<BankInfo?> GetBankAsync(string name, CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, $"SELECT {BankColumns} FROM banks WHERE name = @n");
        cmd.Param("@n", name);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadBank(r) : null;
    }

    private static BankInfo ReadBank(DbDataReader r) => new()
    {
        Id = r.GetInt64(0), Name = r.GetString(1), Description = r.GetStringOrNull(2),
        Verified = r.GetInt64(3) != 0, CreatedAt = Db.FromMillis(r.GetInt64(4)),
        MatchingEnabledRatio = r.GetDouble(5), NewEntryQuarantineHours = (int)r.GetInt64(6),
    };

    public async Task<BankStats> GetStatsAsync(string name, CancellationToken ct = default)
    {
        var bank = await GetBankAsync(name, ct) ?? throw UnknownBank(name);
        await using var conn = await OpenConnectionAsync(ct);
        var byType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long disabled = 0;
        await using (var cmd = Db.Command(conn, null, "SELECT signal_type, disabled, COUNT(*) FROM entries WHERE bank_id = @b GROUP BY signal_type, disabled"))
        {
            cmd.Param("@b", bank.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                if (r.GetInt64(1) != 0) disabled += r.GetInt64(2);
                else byType[r.GetString(0)] = r.GetInt64(2);
            }
        }
        var sources = new List<SourceSummary>();
        await using (var cmd = Db.Command(conn, null,
            "SELECT source_name, source_file, MIN(added_at), COUNT(*) FROM entries WHERE bank_id = @b GROUP BY source_name, source_file ORDER BY MIN(added_at)"))
        {
            cmd.Param("@b", bank.Id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                sources.Add(new SourceSummary(r.GetStringOrNull(0), r.GetStringOrNull(1), Db.FromMillis(r.GetInt64(2)), r.GetInt64(3)));
        }
        return new BankStats(bank, byType, disabled, sources);
    }

    public async Task<bool> DeleteBankAsync(string name, CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        var bankId = await FindBankIdAsync(conn, tx, name, ct);
        if (bankId is null) return false;
        var seq = await NextSeqAsync(conn, tx, ct);
        await Db.ExecAsync(conn, tx,
            "INSERT INTO entry_removals (entry_id, change_seq, bank_name, signal_type, value) SELECT id, @s, @n, signal_type, value FROM entries WHERE bank_id = @b",
            ct, ("@s", seq), ("@n", name), ("@b", bankId.Value));
        await Db.ExecAsync(conn, tx, "DELETE FROM entries WHERE bank_id = @b", ct, ("@b", bankId.Value));
        await Db.ExecAsync(conn, tx, "DELETE FROM banks WHERE id = @b", ct, ("@b", bankId.Value));
        await SetSeqAsync(conn, tx, seq, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static async Task<long?> FindBankIdAsync(DbConnection conn, DbTransaction? tx, string name, CancellationToken ct)
    {
        await using var cmd = Db.Command(conn, tx, "SELECT id FROM banks WHERE name = @n");
        cmd.Param("@n", name);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> RequireBankIdAsync(DbConnection conn, DbTransaction? tx, string name, CancellationToken ct) =>
        await FindBankIdAsync(conn, tx, name, ct) ?? throw UnknownBank(name);

    private static BankException UnknownBank(string name) => BankException.NoSuchBank(name);

    // ---- change sequence ----

    private async Task<long> NextSeqAsync(DbConnection conn, DbTransaction tx, CancellationToken ct) =>
        await Db.ScalarLongAsync(conn, tx, LockCounterSql, ct) + 1;

    private static Task<int> SetSeqAsync(DbConnection conn, DbTransaction tx, long seq, CancellationToken ct) =>
        Db.ExecAsync(conn, tx, "UPDATE change_counter SET value = @s WHERE id = 1", ct, ("@s", seq));

    public async Task<long> GetLastChangeSeqAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        return await Db.ScalarLongAsync(conn, null, "SELECT value FROM change_counter WHERE id = 1", ct);
    }

    // ---- import ----

    // value_key finds the row through the index; the value itself settles it.
    private const string MatchesStaging =
        "entries.bank_id = @b AND entries.signal_type = s.signal_type AND COALESCE(entries.value_key, entries.value) = s.value_key AND entries.value = s.value";

    // Fields the input leaves empty keep their stored value.
    private const string MergeMetadata =
        "content_id = COALESCE(s.content_id, entries.content_id), category = COALESCE(s.category, entries.category), " +
        "grade = COALESCE(s.grade, entries.grade), tags = COALESCE(s.tags, entries.tags), " +
        "note = COALESCE(s.note, entries.note), metadata = COALESCE(s.metadata, entries.metadata), " +
        "original_media_uri = COALESCE(s.original_media_uri, entries.original_media_uri), disable_until = COALESCE(s.disable_until, entries.disable_until)";

    private const string MetadataDiffers =
        "((s.content_id IS NOT NULL AND (entries.content_id IS NULL OR entries.content_id <> s.content_id)) " +
        "OR (s.category IS NOT NULL AND (entries.category IS NULL OR entries.category <> s.category)) " +
        "OR (s.grade IS NOT NULL AND (entries.grade IS NULL OR entries.grade <> s.grade)) " +
        "OR (s.tags IS NOT NULL AND (entries.tags IS NULL OR entries.tags <> s.tags)) " +
        "OR (s.note IS NOT NULL AND (entries.note IS NULL OR entries.note <> s.note)) " +
        "OR (s.metadata IS NOT NULL AND (entries.metadata IS NULL OR entries.metadata <> s.metadata)) " +
        "OR (s.original_media_uri IS NOT NULL AND (entries.original_media_uri IS NULL OR entries.original_media_uri <> s.original_media_uri)) " +
        "OR (s.disable_until IS NOT NULL AND (entries.disable_until IS NULL OR entries.disable_until <> s.disable_until)))";

    public async Task<ImportResult> ImportAsync(string bank, IEnumerable<EntryRecord> entries, ImportOptions? options = null, CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        var result = await ImportInTransactionAsync(conn, tx, bank, entries, options, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>The import inside a write transaction the caller commits (an exchange stores its checkpoint in the same one).</summary>
    internal async Task<ImportResult> ImportInTransactionAsync(DbConnection conn, DbTransaction tx, string bank, IEnumerable<EntryRecord> entries, ImportOptions? options, CancellationToken ct)
    {
        var bankId = await RequireBankIdAsync(conn, tx, bank, ct);
        long read = await StageCheckedAsync(conn, tx, entries, ct);
        return await ApplyStagedAsync(conn, tx, bankId, read, options ?? new ImportOptions(), ct);
    }

    /// <summary>Stages records (their free fields checked) into the empty temporary table "staging"; returns how many were read.</summary>
    private Task<long> StageCheckedAsync(DbConnection conn, DbTransaction tx, IEnumerable<EntryRecord> entries, CancellationToken ct) =>
        StageAsync(conn, tx, Checked(entries, DateTimeOffset.UtcNow), ct);

    /// <summary>Applies what "staging" holds to the bank (added, updated, re-enabled; with Replace, the rest disabled) and empties it.</summary>
    private async Task<ImportResult> ApplyStagedAsync(DbConnection conn, DbTransaction tx, long bankId, long read, ImportOptions options, CancellationToken ct)
    {
        var seq = await NextSeqAsync(conn, tx, ct);
        long now = Db.NowMillis();
        long waitHours = await Db.ScalarLongAsync(conn, tx, "SELECT new_entry_wait_hours FROM banks WHERE id = @b", ct, ("@b", bankId));
        long staged = await Db.ScalarLongAsync(conn, tx, "SELECT COUNT(*) FROM staging", ct);
        (string, object?) b = ("@b", bankId), s = ("@s", seq);

        long keptDisabled = await Db.ScalarLongAsync(conn, tx,
            $"SELECT COUNT(*) FROM staging s JOIN entries ON {MatchesStaging} WHERE entries.disabled = 1 AND entries.disabled_auto = 0", ct, b);
        long reenabled = await Db.ExecAsync(conn, tx,
            $"UPDATE entries SET disabled = 0, disabled_auto = 0, disabled_reason = NULL, change_seq = @s, {MergeMetadata} " +
            $"FROM staging s WHERE {MatchesStaging} AND entries.disabled = 1 AND entries.disabled_auto = 1", ct, b, s);
        long updated = await Db.ExecAsync(conn, tx,
            $"UPDATE entries SET change_seq = @s, {MergeMetadata} FROM staging s WHERE {MatchesStaging} AND entries.change_seq <> @s AND {MetadataDiffers}", ct, b, s);
        long added = await Db.ExecAsync(conn, tx,
            "INSERT INTO entries (bank_id, signal_type, value, value_key, content_id, category, grade, tags, source_name, source_file, added_at, disabled, disabled_auto, disabled_reason, change_seq, " +
            "note, metadata, original_media_uri, disable_until) " +
            "SELECT @b, s.signal_type, s.value, CASE WHEN s.value_key = s.value THEN NULL ELSE s.value_key END, s.content_id, s.category, s.grade, s.tags, @sn, @sf, @t, 0, 0, NULL, @s, " +
            "s.note, s.metadata, s.original_media_uri, COALESCE(s.disable_until, @wait) FROM staging s " +
            "WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.bank_id = @b AND e.signal_type = s.signal_type AND COALESCE(e.value_key, e.value) = s.value_key AND e.value = s.value) ORDER BY s.ord",
            ct, b, s, ("@sn", options.Source.Name), ("@sf", options.Source.File), ("@t", now),
            ("@wait", waitHours > 0 ? now + waitHours * 3_600_000 : (object?)null));
        long disabled = 0;
        if (options.Replace)
        {
            var reason = $"absent from replacing import{(options.Source.Name ?? options.Source.File) switch { null => "", var x => " of " + x }} at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z";
            disabled = await Db.ExecAsync(conn, tx,
                "UPDATE entries SET disabled = 1, disabled_auto = 1, disabled_reason = @r, change_seq = @s WHERE bank_id = @b AND disabled = 0 " +
                "AND NOT EXISTS (SELECT 1 FROM staging s WHERE s.signal_type || ' ' || s.value_key = entries.signal_type || ' ' || COALESCE(entries.value_key, entries.value) AND s.value = entries.value)",
                ct, b, s, ("@r", reason));
        }
        bool changed = reenabled + updated + added + disabled > 0;
        if (changed) await SetSeqAsync(conn, tx, seq, ct);
        await DropStagingAsync(conn, tx, ct);
        return new ImportResult(read, added, updated, staged - added - updated - reenabled, reenabled, disabled, keptDisabled, changed ? seq : seq - 1);
    }

    /// <summary>The input with each record's free fields checked as it is staged: a bad one aborts the whole import.</summary>
    private static IEnumerable<EntryRecord> Checked(IEnumerable<EntryRecord> records, DateTimeOffset now)
    {
        foreach (var r in records)
        {
            EntryFields.Validate(r, now);
            yield return r;
        }
    }

    // ---- remove / disable ----

    public async Task<int> RemoveEntriesAsync(string bank, IEnumerable<(SignalType Type, string Value)> keys, CancellationToken ct = default)
    {
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        var bankId = await RequireBankIdAsync(conn, tx, bank, ct);
        var seq = await NextSeqAsync(conn, tx, ct);
        int removed = 0;
        foreach (var (type, value) in keys)
        {
            var v = Normalize(type, value);
            await Db.ExecAsync(conn, tx,
                "INSERT INTO entry_removals (entry_id, change_seq, bank_name, signal_type, value) SELECT id, @s, @n, signal_type, value FROM entries WHERE bank_id = @b AND signal_type = @ty AND COALESCE(value_key, value) = @k AND value = @v",
                ct, ("@s", seq), ("@n", bank), ("@b", bankId), ("@ty", type.Name), ("@k", ValueKey.Of(v)), ("@v", v));
            removed += await Db.ExecAsync(conn, tx, "DELETE FROM entries WHERE bank_id = @b AND signal_type = @ty AND COALESCE(value_key, value) = @k AND value = @v", ct,
                ("@b", bankId), ("@ty", type.Name), ("@k", ValueKey.Of(v)), ("@v", v));
        }
        if (removed > 0) await SetSeqAsync(conn, tx, seq, ct);
        await tx.CommitAsync(ct);
        return removed;
    }

    public async Task<int> SetDisabledAsync(string bank, IEnumerable<(SignalType Type, string Value)> keys, bool disabled, string? reason, CancellationToken ct = default)
    {
        if (disabled && string.IsNullOrWhiteSpace(reason)) throw new BankException("disabling entries needs a reason");
        await using var conn = await OpenConnectionAsync(ct);
        await using var tx = await BeginWriteAsync(conn, ct);
        var bankId = await RequireBankIdAsync(conn, tx, bank, ct);
        var seq = await NextSeqAsync(conn, tx, ct);
        int changed = 0;
        foreach (var (type, value) in keys)
        {
            var v = Normalize(type, value);
            changed += disabled
                ? await Db.ExecAsync(conn, tx,
                    "UPDATE entries SET disabled = 1, disabled_auto = 0, disabled_reason = @r, change_seq = @s WHERE bank_id = @b AND signal_type = @ty AND COALESCE(value_key, value) = @k AND value = @v AND (disabled = 0 OR disabled_auto = 1 OR disabled_reason <> @r)",
                    ct, ("@r", reason), ("@s", seq), ("@b", bankId), ("@ty", type.Name), ("@k", ValueKey.Of(v)), ("@v", v))
                : await Db.ExecAsync(conn, tx,
                    "UPDATE entries SET disabled = 0, disabled_auto = 0, disabled_reason = NULL, change_seq = @s WHERE bank_id = @b AND signal_type = @ty AND COALESCE(value_key, value) = @k AND value = @v AND disabled = 1",
                    ct, ("@s", seq), ("@b", bankId), ("@ty", type.Name), ("@k", ValueKey.Of(v)), ("@v", v));
        }
        if (changed > 0) await SetSeqAsync(conn, tx, seq, ct);
        await tx.CommitAsync(ct);
        return changed;
    }

    private static string Normalize(SignalType type, string value) =>
        type.TryNormalize(value, out var error) ?? throw new BankException($"'{Category.Shorten(value)}': {error}");

    // ---- reading ----

    public async IAsyncEnumerable<BankEntry> EnumerateEntriesAsync(string bank, bool includeDisabled = true, int pageSize = 5000,
        string? signalType = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        long after = 0;
        while (true)
        {
            var page = await ListEntriesAsync(bank, after, pageSize, includeDisabled, signalType, ct);
            foreach (var e in page) yield return e;
            if (page.Count < pageSize) yield break;
            after = page[^1].Id;
        }
    }

    public async Task<IReadOnlyList<BankEntry>> ListEntriesAsync(string bank, long afterId, int limit, bool includeDisabled = true,
        string? signalType = null, CancellationToken ct = default)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "a page holds at least one entry");
        await using var conn = await OpenConnectionAsync(ct);
        var bankId = await RequireBankIdAsync(conn, null, bank, ct);
        await using var cmd = Db.Command(conn, null, EntriesPageSql(includeDisabled, signalType is not null));
        cmd.Param("@b", bankId); cmd.Param("@a", afterId); cmd.Param("@l", (long)limit);
        if (signalType is not null) cmd.Param("@t", signalType);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var page = new List<BankEntry>(Math.Min(limit, 5000));
        while (await r.ReadAsync(ct)) page.Add(ReadEntry(r, 0));
        return page;
    }

    // A range of the entries_bank_order index (bank_id, id): the work is the page, whatever @a is.
    internal static string EntriesPageSql(bool includeDisabled, bool bySignalType) =>
        $"SELECT {EntryColumns} FROM entries e JOIN banks b ON b.id = e.bank_id WHERE e.bank_id = @b AND e.id > @a" +
        (includeDisabled ? "" : " AND e.disabled = 0") + (bySignalType ? " AND e.signal_type = @t" : "") + " ORDER BY e.id LIMIT @l";

    // One bank's entries with a value: a seek in entries_value_key (bank_id, signal_type, value key).
    internal static readonly string FindInBankSql =
        $"SELECT {EntryColumns} FROM entries e JOIN banks b ON b.id = e.bank_id " +
        "WHERE e.bank_id = @b AND e.signal_type = @ty AND COALESCE(e.value_key, e.value) = @k AND e.value = @v ORDER BY e.id";

    public async Task<IReadOnlyList<BankEntry>> FindAsync(SignalType type, string value, string? bank = null, CancellationToken ct = default)
    {
        var v = Normalize(type, value);
        await using var conn = await OpenConnectionAsync(ct);
        // Bank by bank (there are few): no second index of every value across banks to keep up on each insert.
        var bankIds = new List<long>();
        await using (var banks = Db.Command(conn, null, "SELECT id FROM banks" + (bank is null ? "" : " WHERE name = @n") + " ORDER BY id"))
        {
            if (bank is not null) banks.Param("@n", bank);
            await using var ids = await banks.ExecuteReaderAsync(ct);
            while (await ids.ReadAsync(ct)) bankIds.Add(ids.GetInt64(0));
        }
        await using var cmd = Db.Command(conn, null, FindInBankSql);
        var b = cmd.Param("@b", 0L);
        cmd.Param("@ty", type.Name); cmd.Param("@k", ValueKey.Of(v)); cmd.Param("@v", v);
        var list = new List<BankEntry>();
        foreach (var id in bankIds)
        {
            b.Value = id;
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) list.Add(ReadEntry(r, 0));
        }
        list.Sort((x, y) => x.Id.CompareTo(y.Id));
        return list;
    }

    public async Task<IReadOnlyList<EntryChange>> GetChangesAsync(long sinceSeq, long afterEntryId = 0, int limit = 10000, CancellationToken ct = default)
    {
        // afterEntryId 0 means "everything after sinceSeq"; otherwise resume inside sinceSeq.
        long after = afterEntryId > 0 ? afterEntryId : long.MaxValue;
        await using var conn = await OpenConnectionAsync(ct);
        await using var cmd = Db.Command(conn, null, ChangesSql);
        cmd.Param("@s", sinceSeq); cmd.Param("@a", after); cmd.Param("@l", (long)limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<EntryChange>();
        while (await r.ReadAsync(ct))
        {
            bool removed = r.GetInt64(2) != 0;
            var entry = ReadEntry(r, 3);
            list.Add(new EntryChange(r.GetInt64(0), r.GetInt64(1), entry.Bank, entry.SignalType, entry.Value, removed, !removed && entry.Disabled, removed ? null : entry));
        }
        return list;
    }

    // Four index ranges (entries_change, entry_removals_change), each cut to the page before the
    // merge: "rest of @s after @a" and "after @s". One OR over both would start the range at the
    // beginning of @s, and a page deep inside one large import would re-read all of it.
    internal static readonly string ChangesSql =
        "SELECT * FROM (" +
        ChangesArm($"e.change_seq AS seq, e.id AS eid, 0 AS removed, {EntryColumns} FROM entries e JOIN banks b ON b.id = e.bank_id", "e.change_seq", "e.id") +
        " UNION ALL " +
        ChangesArm("r.change_seq AS seq, r.entry_id AS eid, 1 AS removed, r.entry_id, r.bank_name, r.signal_type, r.value, NULL, CAST(NULL AS BIGINT), NULL, NULL, NULL, NULL, 0, 0, NULL, r.change_seq, " +
                   "NULL, NULL, NULL, CAST(NULL AS BIGINT) " +
                   "FROM entry_removals r", "r.change_seq", "r.entry_id") +
        ") c ORDER BY seq, eid LIMIT @l";

    private static string ChangesArm(string selectFrom, string seq, string id) =>
        $"SELECT * FROM (SELECT {selectFrom} WHERE {seq} = @s AND {id} > @a ORDER BY {seq}, {id} LIMIT @l) c1 UNION ALL " +
        $"SELECT * FROM (SELECT {selectFrom} WHERE {seq} > @s ORDER BY {seq}, {id} LIMIT @l) c2";

    private static BankEntry ReadEntry(DbDataReader r, int o) => new()
    {
        Id = r.GetInt64(o), Bank = r.GetString(o + 1), SignalType = r.GetString(o + 2), Value = r.GetString(o + 3),
        ContentId = r.GetStringOrNull(o + 4), Category = (int?)r.GetLongOrNull(o + 5), Grade = r.GetStringOrNull(o + 6),
        Tags = Tags.Split(r.GetStringOrNull(o + 7)), SourceName = r.GetStringOrNull(o + 8), SourceFile = r.GetStringOrNull(o + 9),
        AddedAt = r.IsDBNull(o + 10) ? default : Db.FromMillis(r.GetInt64(o + 10)),
        Disabled = r.GetInt64(o + 11) != 0, DisabledReason = r.GetStringOrNull(o + 12), ChangeSeq = r.GetInt64(o + 13),
        Note = r.GetStringOrNull(o + 14), Metadata = EntryFields.MetadataFromJson(r.GetStringOrNull(o + 15)),
        OriginalMediaUri = r.GetStringOrNull(o + 16), DisableUntil = r.GetLongOrNull(o + 17) is long du ? Db.FromMillis(du) : null,
    };

    /// <summary>The database's plan for a statement, one line per row (tests check that pages are index ranges).</summary>
    internal async Task<IReadOnlyList<string>> ExplainAsync(string sql, params (string Name, object? Value)[] args)
    {
        await using var conn = await OpenConnectionAsync(default);
        await using var cmd = Db.Command(conn, null, ExplainPrefix + sql);
        foreach (var (name, value) in args) cmd.Param(name, value);
        await using var r = await cmd.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await r.ReadAsync()) lines.Add(r.GetString(r.FieldCount - 1)); // SQLite: (id, parent, notused, detail)
        return lines;
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Database.DisposeAsync();
    }
}
