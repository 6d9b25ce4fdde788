using Safeguard.Hashing.Pdq;
using Safeguard.Banks.Storage;
using Safeguard.Video.Vpdq;
using Safeguard.Signals;

namespace Safeguard.Server.Index;

/// <summary>
/// The banks' enabled <c>vpdq</c> entries for the whole-video rule. The shared index holds no vPDQ,
/// so they are loaded here on the first video lookup and reloaded when the store's change sequence
/// has moved since (checked at most once a second). Only vpdq rows are read, so large image banks
/// cost one indexed query each, not a transfer of every entry.
/// </summary>
public sealed class VpdqBankCache(IBankStore store)
{
    private sealed record Snapshot(long ChangeSeq, VpdqIndex Videos, List<EntryMeta> Entries);

    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _load = new(1, 1);
    private Snapshot? _current;
    private long _checkedAtMs = long.MinValue / 2;

    /// <summary>Banked videos that meet the vPDQ rule (80% of the query's distinct frames within the distance).</summary>
    public async Task<List<(EntryMeta Entry, VpdqComparison Comparison)>> SearchAsync(IReadOnlyList<VpdqFrame> query, int distance, CancellationToken ct)
    {
        var snapshot = await CurrentAsync(ct);
        var found = new List<(EntryMeta, VpdqComparison)>();
        if (snapshot.Entries.Count == 0) return found;
        foreach (var v in snapshot.Videos.Search(query, VpdqMatcher.DefaultQueryMatchPercent, VpdqMatcher.DefaultComparedMatchPercent, distance))
            found.Add((snapshot.Entries[v.Id], v.Comparison));
        return found;
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _current) is { } s && IsRecent()) return s;
        await _load.WaitAsync(ct);
        try
        {
            if (_current is { } fresh && IsRecent()) return fresh;
            long seq = await store.GetLastChangeSeqAsync(ct);
            if (_current is null || _current.ChangeSeq != seq) Volatile.Write(ref _current, await LoadAsync(seq, ct));
            Volatile.Write(ref _checkedAtMs, Environment.TickCount64);
            return _current!;
        }
        finally { _load.Release(); }
    }

    private bool IsRecent() => Environment.TickCount64 - Volatile.Read(ref _checkedAtMs) < (long)CheckInterval.TotalMilliseconds;

    private async Task<Snapshot> LoadAsync(long seq, CancellationToken ct)
    {
        var videos = new VpdqIndex();
        var entries = new List<EntryMeta>();
        foreach (var bank in await store.ListBanksAsync(ct))
            await foreach (var e in store.EnumerateEntriesAsync(bank.Name, includeDisabled: false, signalType: "vpdq", ct: ct))
            {
                if (!VpdqText.TryParseCompact(e.Value, out var frames, out _)) continue;
                videos.Add(entries.Count, frames);
                entries.Add(new EntryMeta(e.Id, e.Bank, e.SignalType, e.Value, e.ContentId, e.Category, e.Grade));
            }
        return new Snapshot(seq, videos, entries);
    }
}
