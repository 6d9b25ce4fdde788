using Safeguard.Banks.Storage;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;

namespace Safeguard.Banks.Matching;

/// <summary>
/// The enabled entries of some banks (or all) in memory, ready to match: one <see cref="PdqIndex"/>
/// and one <see cref="ExactIndex"/> per exact type (md5, sha1, sha256). Built from the store by
/// <see cref="LoadAsync"/>, then kept current by <see cref="RefreshAsync"/>, which applies the
/// store's change feed (adds, removals, disables, re-enables, metadata updates) to the live
/// indexes in place.
/// <para>Thread safety: any number of threads may call the Match methods while one refresh runs
/// (concurrent refreshes take turns). A reader sees each change fully or not at all.</para>
/// </summary>
public sealed class BankIndex
{
    /// <summary>An indexed entry. Immutable: a metadata update swaps the whole object.</summary>
    private sealed record Slot(long EntryId, string Bank, string SignalType, string Value, string? ContentId, int? Category, string? Grade, Hash256 Pdq);

    private readonly IBankStore _store;
    private readonly HashSet<string>? _banks;
    private readonly PdqIndex _pdq = new();
    private readonly ExactIndex _md5 = new(16), _sha1 = new(20), _sha256 = new(32);
    private readonly SemaphoreSlim _writer = new(1, 1);
    // Slot ids are never reused, so a reader holding an id from a search always finds its own entry.
    private Slot?[] _slots = new Slot?[1024];
    private int _nextSlot;
    private readonly Dictionary<long, int> _slotByEntry = new();
    private long _appliedSeq, _appliedEntry;
    private int _count;

    [ThreadStatic] private static List<PdqMatch>? t_pdqScratch;
    [ThreadStatic] private static List<int>? t_idScratch;

    private BankIndex(IBankStore store, IEnumerable<string>? banks)
    {
        _store = store;
        _banks = banks is null ? null : new HashSet<string>(banks, StringComparer.Ordinal);
        if (_banks is { Count: 0 }) _banks = null;
    }

    /// <summary>
    /// Loads the enabled entries of <paramref name="banks"/> (null or empty: every bank, including
    /// banks created later) and applies changes made while loading.
    /// Throws <see cref="BankException"/> when a named bank does not exist.
    /// </summary>
    public static async Task<BankIndex> LoadAsync(IBankStore store, IEnumerable<string>? banks = null, CancellationToken ct = default)
    {
        var index = new BankIndex(store, banks);
        var names = new List<string>();
        if (index._banks is null)
            names.AddRange((await store.ListBanksAsync(ct)).Select(b => b.Name));
        else
            foreach (var name in index._banks.Order(StringComparer.Ordinal))
            {
                if (await store.GetBankAsync(name, ct) is null) throw BankException.NoSuchBank(name);
                names.Add(name);
            }
        // The cursor is taken first: changes made while we enumerate are applied again afterwards
        // (applying a change twice is harmless).
        long since = await store.GetLastChangeSeqAsync(ct);
        var pdqHashes = new List<Hash256>();
        var pdqIds = new List<int>();
        await index._writer.WaitAsync(ct);
        try
        {
            foreach (var name in names)
                await foreach (var e in store.EnumerateEntriesAsync(name, includeDisabled: false, ct: ct))
                {
                    int id = index.AddSlot(e, out var slot);
                    if (id < 0) continue;
                    if (slot.SignalType == "pdq") { pdqHashes.Add(slot.Pdq); pdqIds.Add(id); }
                    else index.ExactFor(slot.SignalType)!.Add(Convert.FromHexString(slot.Value), id);
                }
            index._pdq.AddRange(pdqHashes.ToArray(), pdqIds.ToArray());
            index._appliedSeq = since;
        }
        finally
        {
            index._writer.Release();
        }
        await index.RefreshAsync(ct);
        return index;
    }

    /// <summary>Enabled entries currently indexed.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The store change sequence applied so far.</summary>
    public long AppliedChangeSeq => Volatile.Read(ref _appliedSeq);

    /// <summary>
    /// Applies every change the store recorded since the last refresh (or the load) to the live
    /// indexes; returns how many changes concerned the chosen banks. Cheap when nothing changed.
    /// </summary>
    public async Task<int> RefreshAsync(CancellationToken ct = default)
    {
        await _writer.WaitAsync(ct);
        try
        {
            int applied = 0;
            while (true)
            {
                var page = await _store.GetChangesAsync(_appliedSeq, _appliedEntry, 10000, ct);
                if (page.Count == 0) break;
                foreach (var c in page)
                {
                    if (_banks is null || _banks.Contains(c.Bank))
                    {
                        Apply(c);
                        applied++;
                    }
                }
                Volatile.Write(ref _appliedSeq, page[^1].ChangeSeq);
                _appliedEntry = page[^1].EntryId;
            }
            return applied;
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Entries within <paramref name="threshold"/> (0..256, inclusive) of <paramref name="query"/>,
    /// appended to <paramref name="results"/>, nearest first.
    /// </summary>
    public void MatchPdq(in Hash256 query, int threshold, List<BankMatch> results)
    {
        var scratch = t_pdqScratch ??= new List<PdqMatch>();
        scratch.Clear();
        _pdq.Search(query, threshold, scratch);
        var slots = Volatile.Read(ref _slots);
        foreach (var m in scratch)
            if (slots[m.Id] is { } s) results.Add(ToMatch(s, m.Distance, null));
    }

    /// <summary>
    /// Like <see cref="MatchPdq(in Hash256, int, List{BankMatch})"/> over several variants of the
    /// query (the 8 dihedral hashes, in <see cref="Dihedral"/> order): each entry once, at its best
    /// distance, with <see cref="BankMatch.Transform"/> naming the nearest variant.
    /// </summary>
    public void MatchPdq(ReadOnlySpan<Hash256> variants, int threshold, List<BankMatch> results)
    {
        var scratch = t_pdqScratch ??= new List<PdqMatch>();
        scratch.Clear();
        _pdq.SearchDihedral(variants, threshold, scratch);
        var slots = Volatile.Read(ref _slots);
        foreach (var m in scratch)
        {
            if (slots[m.Id] is not { } s) continue;
            int best = 0;
            for (int v = 0; v < variants.Length; v++)
                if (variants[v].DistanceTo(s.Pdq) == m.Distance) { best = v; break; }
            results.Add(ToMatch(s, m.Distance, (Dihedral)best));
        }
    }

    /// <summary>
    /// Entries whose <paramref name="signalType"/> (md5, sha1 or sha256) value equals
    /// <paramref name="digest"/>; distance 0. An unknown type or wrong length matches nothing.
    /// </summary>
    public void MatchExact(string signalType, ReadOnlySpan<byte> digest, List<BankMatch> results)
    {
        var index = ExactFor(signalType);
        if (index is null || digest.Length != index.KeyLength) return;
        var ids = t_idScratch ??= new List<int>();
        ids.Clear();
        index.Find(digest, ids);
        if (ids.Count == 0) return;
        var slots = Volatile.Read(ref _slots);
        ids.Sort();
        foreach (var id in ids)
            if (slots[id] is { } s) results.Add(ToMatch(s, 0, null));
    }

    private static BankMatch ToMatch(Slot s, int distance, Dihedral? transform) =>
        new(s.Bank, s.ContentId, s.Category, s.Grade, s.SignalType, s.Value, distance, s.EntryId) { Transform = transform };

    private ExactIndex? ExactFor(string signalType) => signalType switch
    {
        "md5" => _md5,
        "video_md5" => _md5, // MD5 of a whole video file: found by the file's md5
        "sha1" => _sha1,
        "sha256" => _sha256,
        _ => null,
    };

    private void Apply(EntryChange c)
    {
        bool live = !c.Removed && !c.Disabled && c.Entry is not null;
        if (_slotByEntry.TryGetValue(c.EntryId, out int old))
        {
            var current = _slots[old]!;
            if (live && current.SignalType == c.Entry!.SignalType && current.Value == c.Entry.Value)
            {
                // Metadata update: swap the slot object, the indexes stay as they are.
                _slots[old] = MakeSlot(c.Entry);
                return;
            }
            RemoveSlot(old, current);
        }
        if (live && AddSlot(c.Entry!, out var slot) is var id and >= 0)
        {
            if (slot.SignalType == "pdq") _pdq.Add(slot.Pdq, id);
            else ExactFor(slot.SignalType)!.Add(Convert.FromHexString(slot.Value), id);
        }
    }

    private void RemoveSlot(int id, Slot slot)
    {
        if (slot.SignalType == "pdq") _pdq.Remove(slot.Pdq, id);
        else ExactFor(slot.SignalType)!.Remove(Convert.FromHexString(slot.Value), id);
        _slotByEntry.Remove(slot.EntryId);
        Interlocked.Decrement(ref _count);
        // The slot object stays so a reader that already found this id can still describe it.
    }

    private static Slot MakeSlot(BankEntry e) => new(
        e.Id, e.Bank, e.SignalType, e.Value, e.ContentId, e.Category, e.Grade,
        e.SignalType == "pdq" && Hash256.TryParse(e.Value, out var h) ? h : default);

    /// <summary>Registers an entry's slot (not yet searchable); -1 for types this index does not hold.</summary>
    private int AddSlot(BankEntry e, out Slot slot)
    {
        slot = MakeSlot(e);
        bool known = e.SignalType == "pdq" ? Hash256.TryParse(e.Value, out _) : ExactFor(e.SignalType) is { } x && e.Value.Length == x.KeyLength * 2;
        if (!known) return -1;
        if (_nextSlot == _slots.Length)
        {
            var grown = new Slot?[_slots.Length * 2];
            Array.Copy(_slots, grown, _slots.Length);
            Volatile.Write(ref _slots, grown);
        }
        int id = _nextSlot++;
        _slots[id] = slot;
        _slotByEntry[e.Id] = id;
        Interlocked.Increment(ref _count);
        return id;
    }
}
