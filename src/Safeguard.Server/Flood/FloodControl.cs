using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Storage;

namespace Safeguard.Server.Flood;

/// <summary>
/// Counts matches per entry in memory, writes them to <c>entry_hits</c> in one batch per flush
/// (not one write per lookup), and quarantines an entry whose hits in the current hour burst past
/// <see cref="FloodRule"/>: its disable-until is set, the change is audited (<c>bank.flood_quarantine</c>)
/// and an admin alert is raised. The quarantine ends by itself.
/// </summary>
public sealed class FloodControl(ServerOptions options, ServerDb db, IBankStore banks, AuditLog audit, AdminAlerts alerts, LiveIndex index,
    ILogger<FloodControl> log) : BackgroundService, IMatchObserver
{
    /// <summary>Distinct entries counted between flushes; past it new entries wait for the next flush (memory stays bounded).</summary>
    public const int MaxPendingEntries = 100_000;

    private sealed class Pending(string bank)
    {
        public readonly string Bank = bank;
        public long Hits;
    }

    private ConcurrentDictionary<long, Pending> _pending = new();
    private readonly SemaphoreSlim _flush = new(1, 1);
    private readonly FloodRule _rule = new(options.FloodMinHits, options.FloodFactor);
    private long _prunedBefore;

    public void Matched(IReadOnlyList<Engine.Matching.Match> matches)
    {
        if (matches.Count == 0) return;
        var pending = Volatile.Read(ref _pending);
        // One lookup counts an entry once, even when it matched twice (an image's PDQ and a video frame).
        HashSet<long>? seen = matches.Count > 1 ? [] : null;
        foreach (var m in matches)
        {
            if (seen is not null && !seen.Add(m.Entry.Id)) continue;
            if (!pending.TryGetValue(m.Entry.Id, out var p))
            {
                if (pending.Count >= MaxPendingEntries) continue;
                p = pending.GetOrAdd(m.Entry.Id, _ => new Pending(m.Entry.Bank));
            }
            Interlocked.Increment(ref p.Hits);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.FloodFlushInterval, stoppingToken);
                await FlushAsync(stoppingToken);
                lastError = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                if (ex.Message != lastError) log.LogWarning("flood control: {Message}", ex.Message);
                lastError = ex.Message;
            }
        }
    }

    /// <summary>Writes the counted hits (one transaction) and quarantines the entries that burst; returns the entries quarantined.</summary>
    public async Task<IReadOnlyList<long>> FlushAsync(CancellationToken ct = default)
    {
        await _flush.WaitAsync(ct);
        try
        {
            var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<long, Pending>());
            if (batch.IsEmpty) return [];
            var now = DateTimeOffset.UtcNow;
            long hour = FloodRule.HourOf(now);
            await WriteAsync(batch, hour, ct);
            var quarantined = new List<long>();
            foreach (var (entryId, hits, week) in await CandidatesAsync(batch.Keys, hour, ct))
                if (_rule.IsBurst(hits, week) && await QuarantineAsync(batch[entryId].Bank, entryId, hits, week, now, ct))
                    quarantined.Add(entryId);
            if (quarantined.Count > 0) await index.RefreshAsync(ct);
            await PruneAsync(hour, ct);
            return quarantined;
        }
        finally
        {
            _flush.Release();
        }
    }

    private async Task WriteAsync(ConcurrentDictionary<long, Pending> batch, long hour, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(conn, ct);
        await using var cmd = Db.Command(conn, tx,
            "INSERT INTO entry_hits (entry_id, hour, hits) VALUES (@e, @h, @n) ON CONFLICT (entry_id, hour) DO UPDATE SET hits = entry_hits.hits + excluded.hits");
        var e = cmd.Param("@e", 0L);
        var h = cmd.Param("@h", hour);
        var n = cmd.Param("@n", 0L);
        foreach (var (id, p) in batch)
        {
            e.Value = id;
            n.Value = Interlocked.Read(ref p.Hits);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>Entries of this batch over the floor this hour (every burst is), with their previous week's hits.</summary>
    private async Task<List<(long Entry, long Hits, long Week)>> CandidatesAsync(ICollection<long> batch, long hour, CancellationToken ct)
    {
        var over = await db.QueryAsync("SELECT entry_id, hits FROM entry_hits WHERE hour = @h AND hits > @m",
            r => (r.GetInt64(0), r.GetInt64(1)), ("@h", hour), ("@m", options.FloodMinHits));
        var inBatch = new HashSet<long>(batch);
        var result = new List<(long, long, long)>();
        foreach (var (entry, hits) in over.Where(x => inBatch.Contains(x.Item1)))
        {
            ct.ThrowIfCancellationRequested();
            long week = await db.ScalarAsync("SELECT COALESCE(SUM(hits), 0) FROM entry_hits WHERE entry_id = @e AND hour >= @from AND hour < @h",
                ("@e", entry), ("@from", hour - FloodRule.HistoryHours), ("@h", hour)) ?? 0;
            result.Add((entry, hits, week));
        }
        return result;
    }

    private async Task<bool> QuarantineAsync(string bank, long entryId, long hits, long week, DateTimeOffset now, CancellationToken ct)
    {
        BankEntry? entry;
        try { entry = await banks.GetEntryAsync(bank, entryId, ct); }
        catch (BankException) { return false; } // the bank is gone
        if (entry is null || entry.Disabled || entry.DisableUntil > now) return false;
        var until = DateTimeOffset.FromUnixTimeMilliseconds(now.Add(options.FloodQuarantine).ToUnixTimeMilliseconds());
        if (await banks.UpdateEntryAsync(bank, entryId, new EntryUpdate { DisableUntil = until }, ct) is null) return false;
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{hits} matches this hour; {week} in the previous 7 days; limit {_rule.Limit(week):0.#}; quarantined until {until:O}");
        await audit.AppendAsync("flood-control", "bank.flood_quarantine", $"bank:{bank}/entry:{entryId}", detail, ct);
        await alerts.RaiseAsync("flood_quarantine", $"bank:{bank}/entry:{entryId}", detail);
        log.LogWarning("flood control quarantined entry {Entry} of bank {Bank}: {Detail}", entryId, bank, detail);
        return true;
    }

    /// <summary>Drops counts older than the history window, once an hour.</summary>
    private async Task PruneAsync(long hour, CancellationToken ct)
    {
        if (_prunedBefore >= hour) return;
        ct.ThrowIfCancellationRequested();
        await db.ExecAsync("DELETE FROM entry_hits WHERE hour < @h", ("@h", hour - FloodRule.HistoryHours - 1));
        _prunedBefore = hour;
    }

    public override void Dispose()
    {
        _flush.Dispose();
        base.Dispose();
    }
}
