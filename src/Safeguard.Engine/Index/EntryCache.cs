using System.Collections.Concurrent;
using Safeguard.Banks.Storage;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Pdq;
using Safeguard.Signals;

namespace Safeguard.Engine.Index;

/// <summary>
/// The metadata of matched PDQ entries, read from the store by id (the index keeps none) and kept
/// for a while, since the same entries tend to match again (a stream's frames, a re-upload).
/// A change to an entry drops it; a read that overlapped a change is not kept.
/// </summary>
internal sealed class EntryCache(IBankStore store)
{
    public readonly record struct Found(MatchedEntry Entry, Hash256 Hash);

    private const int Capacity = 1 << 16;
    private readonly ConcurrentDictionary<long, Found> _cache = new();
    private readonly Lock _gate = new();
    private long _epoch;

    public void Invalidate(long entryId)
    {
        lock (_gate)
        {
            _epoch++;
            _cache.TryRemove(entryId, out _);
        }
    }

    /// <summary>
    /// The enabled PDQ entries among <paramref name="ids"/> (of <paramref name="banks"/> when set).
    /// Synchronous: the bank stores answer a keyed read at once, and a search matches few entries.
    /// </summary>
    public Dictionary<long, Found> Get(IReadOnlyList<long> ids, HashSet<string>? banks)
    {
        var found = new Dictionary<long, Found>(ids.Count);
        List<long>? missing = null;
        foreach (long id in ids)
        {
            if (_cache.TryGetValue(id, out var f)) found[id] = f;
            else if (!found.ContainsKey(id)) (missing ??= []).Add(id);
        }
        if (missing is not null)
        {
            long epoch = Interlocked.Read(ref _epoch);
            var entries = store.GetEntriesByIdAsync(missing.Distinct().ToList()).ConfigureAwait(false).GetAwaiter().GetResult();
            lock (_gate)
            {
                bool fresh = epoch == _epoch;
                if (fresh && _cache.Count + entries.Count > Capacity) _cache.Clear();
                foreach (var e in entries)
                {
                    if (e.Disabled || e.SignalType != SignalTypes.Pdq.Name || !Hash256.TryParse(e.Value, out var hash)) continue;
                    var entry = new MatchedEntry(e.Id, e.Bank, SignalTypes.Pdq, e.Value, e.ContentId, e.Category, e.Grade) { DisableUntil = e.DisableUntil };
                    var f = new Found(entry, hash);
                    if (fresh) _cache[e.Id] = f;
                    found[e.Id] = f;
                }
            }
        }
        if (banks is not null)
            foreach (var (id, f) in found)
                if (!banks.Contains(f.Entry.Bank)) found.Remove(id);
        return found;
    }
}
