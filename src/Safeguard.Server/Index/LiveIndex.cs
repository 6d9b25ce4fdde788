using System.Collections.Concurrent;
using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;

namespace Safeguard.Server.Index;

/// <summary>
/// The banks' enabled entries in a <see cref="PdqIndex"/> and one <see cref="ExactIndex"/> per
/// exact type, kept current by following the store's change feed (no rebuild: adds and removals are
/// applied in place). Readers take no lock; one refresh runs at a time.
/// </summary>
public sealed class LiveIndex(IBankStore store) : IMatcher
{
    private readonly PdqIndex _pdq = new();
    private readonly Dictionary<string, ExactIndex> _exact = new()
    {
        ["md5"] = new ExactIndex(16), ["sha1"] = new ExactIndex(20), ["sha256"] = new ExactIndex(32),
    };
    private readonly ConcurrentDictionary<int, EntryMeta> _entries = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private long _seq, _after;
    private bool _ready;
    private DateTimeOffset? _lastRefresh;
    private string? _lastError;

    [ThreadStatic] private static List<PdqMatch>? t_pdq;
    [ThreadStatic] private static List<int>? t_ids;

    public void MatchPdq(in Hash256 query, int threshold, List<MatchHit> results)
    {
        var raw = t_pdq ??= new List<PdqMatch>();
        raw.Clear();
        _pdq.Search(query, threshold, raw);
        foreach (var m in raw)
            if (_entries.TryGetValue(m.Id, out var e)) results.Add(new MatchHit(e, m.Distance));
    }

    public void MatchExact(string signalType, ReadOnlySpan<byte> value, List<MatchHit> results)
    {
        if (!_exact.TryGetValue(signalType, out var index) || value.Length != index.KeyLength) return;
        var ids = t_ids ??= new List<int>();
        ids.Clear();
        index.Find(value, ids);
        foreach (var id in ids)
            if (_entries.TryGetValue(id, out var e)) results.Add(new MatchHit(e, 0));
    }

    public IndexStatus Status => new(Volatile.Read(ref _ready), _entries.Count, _pdq.Count, _exact.Values.Sum(x => (long)x.Count),
        Interlocked.Read(ref _seq), _lastRefresh, _lastError, _pdq.MemoryBytes + _exact.Values.Sum(x => x.MemoryBytes));

    public async Task RefreshAsync(CancellationToken ct = default)
    {
        await _refresh.WaitAsync(ct);
        try
        {
            if (!_ready) await LoadAllAsync(ct);
            while (true)
            {
                var page = await store.GetChangesAsync(_seq, _after, 10000, ct);
                if (page.Count == 0) break;
                foreach (var c in page) Apply(c, null, null);
                (_seq, _after) = (page[^1].ChangeSeq, page[^1].EntryId);
            }
            _lastRefresh = DateTimeOffset.UtcNow;
            _lastError = null;
            Volatile.Write(ref _ready, true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _lastError = ex.Message;
            throw;
        }
        finally { _refresh.Release(); }
    }

    /// <summary>
    /// First load: every enabled entry, bank by bank in id order (a keyset scan, much cheaper than
    /// paging the whole change feed), PDQ hashes built in one batch. The cursor starts at the
    /// sequence read before the scan, so anything written meanwhile is applied again from the feed
    /// (applying a change is idempotent).
    /// </summary>
    private async Task LoadAllAsync(CancellationToken ct)
    {
        long startSeq = await store.GetLastChangeSeqAsync(ct);
        var hashes = new List<Hash256>();
        var ids = new List<int>();
        foreach (var bank in await store.ListBanksAsync(ct))
            await foreach (var e in store.EnumerateEntriesAsync(bank.Name, includeDisabled: false, pageSize: 10000, ct))
                Apply(new EntryChange(e.ChangeSeq, e.Id, e.Bank, e.SignalType, e.Value, false, false, e), hashes, ids);
        if (hashes.Count > 0)
            _pdq.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(hashes), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids));
        (_seq, _after) = (startSeq, 0);
    }

    private void Apply(EntryChange c, List<Hash256>? bulkHashes, List<int>? bulkIds)
    {
        int id = checked((int)c.EntryId);
        if (_entries.TryRemove(id, out var old)) Remove(old, id, bulkHashes, bulkIds);
        if (c.Removed || c.Disabled || c.Entry is not { } e) return;
        var meta = new EntryMeta(e.Id, Intern(e.Bank), Intern(e.SignalType), e.Value, e.ContentId, e.Category, e.Grade);
        if (e.SignalType == SignalTypes.Pdq.Name)
        {
            if (!Hash256.TryParse(e.Value, out var h)) return;
            if (bulkHashes is not null) { bulkHashes.Add(h); bulkIds!.Add(id); }
            else _pdq.Add(h, id);
        }
        else if (_exact.TryGetValue(e.SignalType, out var index)) index.Add(Convert.FromHexString(e.Value), id);
        else return;
        _entries[id] = meta;
    }

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>One string per bank name and type, not one per entry.</summary>
    private string Intern(string s)
    {
        if (_names.TryGetValue(s, out var v)) return v;
        _names[s] = s;
        return s;
    }

    private void Remove(EntryMeta old, int id, List<Hash256>? bulkHashes, List<int>? bulkIds)
    {
        if (old.SignalType == SignalTypes.Pdq.Name && Hash256.TryParse(old.Value, out var h))
        {
            int i = bulkIds?.LastIndexOf(id) ?? -1;
            if (i >= 0) { bulkHashes!.RemoveAt(i); bulkIds!.RemoveAt(i); }
            else _pdq.Remove(h, id);
        }
        else if (_exact.TryGetValue(old.SignalType, out var index)) index.Remove(Convert.FromHexString(old.Value), id);
    }
}
