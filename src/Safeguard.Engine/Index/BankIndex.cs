using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Tmk;
using Safeguard.Matching;
using Safeguard.Signals;
using Safeguard.Signals.Exact;
using Safeguard.Signals.Tmk;
using Safeguard.Video.Vpdq;

namespace Safeguard.Engine.Index;

/// <summary>
/// The enabled entries of some banks (or all) in memory, ready to match: one <see cref="PdqIndex"/>
/// and one <see cref="ExactIndex"/> per digest (MD5 holds md5 and video_md5 entries, SHA-1, SHA-256),
/// the vPDQ videos with their distinct frames, and the TMK videos (see <see cref="MatchTmk"/>). Built from the store by
/// <see cref="LoadAsync"/>, then kept current by <see cref="RefreshAsync"/>, which applies the
/// store's change feed (adds, removals, disables, re-enables, metadata updates) to the live
/// indexes in place.
/// <para>Thread safety: any number of threads may call the Match methods while one refresh runs
/// (concurrent refreshes take turns). A reader sees each change fully or not at all.</para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its AvailableWaitHandle is used, and it never is here.")]
public sealed class BankIndex
{
    /// <summary>An indexed entry. Immutable: a metadata update swaps the whole object.</summary>
    private sealed record Slot(MatchedEntry Entry, Hash256 Pdq, IReadOnlyList<VpdqFrame>? Frames, bool Valid)
    {
        /// <summary>A TMK entry's pure average (always kept) and its whole features (null when over the memory budget: read from the store).</summary>
        public float[]? TmkPureAverage { get; init; }
        public TmkFeatures? Tmk { get; init; }

        public long EntryId => Entry.Id;
        public SignalType Type => Entry.Type;
    }

    private readonly IBankStore _store;
    private readonly HashSet<string>? _banks;
    // PDQ entries: the index over rows and each row's entry id, swapped together when rebuilt.
    // Metadata stays in the store and is read for the few entries that match.
    private PdqState _pdq = new(new PdqIndex(), new PdqRows());
    private readonly EntryCache _pdqEntries;
    // vPDQ entries: their distinct frames (for frame-by-frame matching of live streams), and the
    // video index for the whole-video rule, rebuilt on the next video search after a change.
    private readonly PdqIndex _videoFrames = new();
    private readonly HashSet<int> _videoSlots = [];
    private (VpdqIndex Index, int[] Slots)? _videos;
    private readonly ExactIndex _md5 = new(16), _sha1 = new(20), _sha256 = new(32);
    // TMK entries: pure averages for level 1 here, level-2 features in the slots while the budget lasts.
    private readonly TmkRows _tmk = new();
    private readonly long _tmkBudget;
    private long _tmkKeptBytes;
    private readonly SemaphoreSlim _writer = new(1, 1);
    // Slot ids are never reused, so a reader holding an id from a search always finds its own entry.
    private Slot?[] _slots = new Slot?[1024];
    private int _nextSlot;
    private readonly Dictionary<long, int> _slotByEntry = new();
    private long _appliedSeq, _appliedEntry;
    private int _count;

    [ThreadStatic] private static List<PdqMatch>? t_pdqScratch;
    [ThreadStatic] private static List<int>? t_idScratch;
    [ThreadStatic] private static List<(int Slot, float Level1)>? t_tmkScratch;

    private sealed class PdqState(PdqIndex index, PdqRows rows)
    {
        public readonly PdqIndex Index = index;
        public readonly PdqRows Rows = rows;
    }

    private BankIndex(IBankStore store, IEnumerable<string>? banks, BankIndexOptions options)
    {
        _store = store;
        _pdqEntries = new EntryCache(store);
        _tmkBudget = options.TmkFeatureBudgetBytes;
        _banks = banks is null ? null : new HashSet<string>(banks, StringComparer.Ordinal);
        if (_banks is { Count: 0 }) _banks = null;
    }

    /// <summary>
    /// Loads the enabled entries of <paramref name="banks"/> (null or empty: every bank, including
    /// banks created later) and applies changes made while loading.
    /// Throws <see cref="BankException"/> when a named bank does not exist.
    /// </summary>
    public static Task<BankIndex> LoadAsync(IBankStore store, IEnumerable<string>? banks = null, CancellationToken ct = default) =>
        LoadAsync(store, banks, BankIndexOptions.Default, ct);

    /// <inheritdoc cref="LoadAsync(IBankStore, IEnumerable{string}?, CancellationToken)"/>
    public static async Task<BankIndex> LoadAsync(IBankStore store, IEnumerable<string>? banks, BankIndexOptions options, CancellationToken ct = default)
    {
        var index = new BankIndex(store, banks, options);
        if (index._banks is not null)
            foreach (var name in index._banks.Order(StringComparer.Ordinal))
                if (await store.GetBankAsync(name, ct) is null) throw BankException.NoSuchBank(name);
        string scope = index.Scope;
        await index._writer.WaitAsync(ct);
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string? rejected = null;
            if (options.SnapshotPath is { } path)
            {
                var result = await BankIndexSnapshot.TryReadAsync(path, store, scope, ct);
                if (result.Loaded is { } loaded)
                {
                    index._pdq = new PdqState(loaded.Index, loaded.Rows);
                    index._appliedSeq = loaded.AppliedSeq;
                    index._appliedEntry = loaded.AppliedEntry;
                    index.LoadedFrom = $"snapshot {path} ({loaded.Index.Count:N0} PDQ entries, change {loaded.AppliedSeq}) in {clock.Elapsed.TotalSeconds:F1} s";
                }
                else rejected = result.Problem;
            }
            if (index.LoadedFrom is null)
            {
                // The cursor is taken first: changes made while we read are applied again
                // afterwards (applying a change twice is harmless).
                index._appliedSeq = await store.GetLastChangeSeqAsync(ct);
                index._appliedEntry = 0;
                var builder = new PdqIndexBuilder();
                var entryIds = new List<long>();
                await store.ReadIndexRowsAsync(SignalTypes.Pdq.Name, index._banks, (id, value) =>
                {
                    // Stored values are canonical hex already; anything else cannot match and is left out.
                    if (!Hash256.TryParse(value, out var hash)) return;
                    builder.Add(hash);
                    entryIds.Add(id);
                }, ct);
                double readSeconds = clock.Elapsed.TotalSeconds;
                var rows = PdqRows.FromAscending(entryIds.ToArray());
                entryIds = null;
                index._pdq = new PdqState(builder.Build(), rows);
                index.LoadedFrom = $"the database ({index._pdq.Index.Count:N0} PDQ entries) in {clock.Elapsed.TotalSeconds:F1} s (read {readSeconds:F1} s)"
                    + (rejected is null ? "" : $"; snapshot not used: {rejected}");
                index.SnapshotRejected = rejected;
            }
            // Other types are few and small next to PDQ: always read from the store.
            foreach (var type in SignalTypes.All)
            {
                if (type == SignalTypes.Pdq) continue;
                await foreach (var e in store.EnumerateEnabledAsync(type.Name, index._banks, ct))
                {
                    int id = index.AddSlot(e, out var slot);
                    if (id >= 0) index.Insert(id, slot);
                }
            }
        }
        finally
        {
            index._writer.Release();
        }
        index.ChangesAppliedAtLoad = await index.RefreshAsync(ct);
        return index;
    }

    /// <summary>The banks a snapshot covers: "*" for all, else their names.</summary>
    private string Scope => _banks is null ? "*" : string.Join("\n", _banks.Order(StringComparer.Ordinal));

    /// <summary>Changes applied after reading the store or the snapshot, while loading.</summary>
    public int ChangesAppliedAtLoad { get; private set; }

    /// <summary>Where the PDQ entries came from at load, and how long it took (for logs and benchmarks).</summary>
    public string? LoadedFrom { get; private set; }

    /// <summary>Why a snapshot given at load was not used (null when it was, or none was given).</summary>
    public string? SnapshotRejected { get; private set; }

    /// <summary>PDQ entries indexed.</summary>
    public int PdqCount => Volatile.Read(ref _pdq).Index.Count;

    /// <summary>Bytes of the PDQ index's search tables alone (native memory, on huge pages where the system gives them).</summary>
    public long PdqTableBytes => Volatile.Read(ref _pdq).Index.MemoryBytes;

    /// <summary>Bytes of the PDQ index's tables and row map (everything the index keeps per PDQ entry).</summary>
    public long PdqMemoryBytes
    {
        get
        {
            var state = Volatile.Read(ref _pdq);
            return state.Index.MemoryBytes + state.Rows.MemoryBytes;
        }
    }

    /// <summary>
    /// Writes the PDQ index beside the database (to a temporary file, then renamed over
    /// <paramref name="path"/>) with the change position it reflects; compacts it first when
    /// changes were applied since it was built. Refreshes wait meanwhile; searches carry on.
    /// </summary>
    public async Task SaveSnapshotAsync(string path, CancellationToken ct = default)
    {
        string identity = await _store.GetStoreIdentityAsync(ct);
        string scope = Scope;
        await _writer.WaitAsync(ct);
        try
        {
            var state = _pdq;
            if (!state.Rows.IsCompact || !state.Index.IsCompact) state = CompactPdq();
            BankIndexSnapshot.Write(path, identity, scope, _appliedSeq, _appliedEntry, state.Index, state.Rows);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Rebuilds the PDQ index from its live rows, rows in entry id order again.</summary>
    private PdqState CompactPdq()
    {
        var old = _pdq;
        var (hashes, rows) = old.Index.CopyLive();
        var entryIds = new long[rows.Length];
        for (int i = 0; i < rows.Length; i++) entryIds[i] = old.Rows.EntryIdOf(rows[i]);
        rows = null!;
        Array.Sort(entryIds, hashes);
        var builder = new PdqIndexBuilder();
        foreach (ref readonly var h in hashes.AsSpan()) builder.Add(h);
        hashes = null!;
        var state = new PdqState(builder.Build(), PdqRows.FromAscending(entryIds));
        Volatile.Write(ref _pdq, state);
        return state;
    }

    private const int MaxChangePage = 10000;
    private const long ChangePageChars = 16L << 20;
    private int _changePage = 256;

    /// <summary>Enabled entries currently indexed.</summary>
    public int Count => Volatile.Read(ref _count) + PdqCount;

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
                var page = await _store.GetChangesAsync(_appliedSeq, _appliedEntry, _changePage, ct);
                if (page.Count == 0) break;
                // Pages of long values (TMK) shrink, pages of short ones grow back: a page's text stays bounded.
                long chars = 0;
                foreach (var c in page) chars += c.Value.Length;
                _changePage = chars > ChangePageChars ? Math.Max(16, _changePage / 4)
                    : chars < ChangePageChars / 4 && page.Count == _changePage ? Math.Min(MaxChangePage, _changePage * 2) : _changePage;
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
    /// PDQ entries within <paramref name="threshold"/> (0..256, inclusive) of <paramref name="query"/>,
    /// appended to <paramref name="results"/>, nearest first.
    /// </summary>
    public void MatchPdq(in Hash256 query, int threshold, List<Match> results)
    {
        var scratch = t_pdqScratch ??= new List<PdqMatch>();
        scratch.Clear();
        var state = Volatile.Read(ref _pdq);
        state.Index.Search(query, threshold, scratch);
        if (scratch.Count == 0) return;
        var entries = ResolvePdq(state, scratch);
        foreach (var m in scratch)
            if (entries.TryGetValue(state.Rows.EntryIdOf(m.Id), out var e)) results.Add(new Match(e.Entry, m.Distance) { QueryPdq = query });
    }

    /// <summary>
    /// Like <see cref="MatchPdq(in Hash256, int, List{Match})"/> over several variants of the
    /// query (the 8 dihedral hashes, in <see cref="Dihedral"/> order): each entry once, at its best
    /// distance, with <see cref="Match.Transform"/> naming the nearest variant.
    /// </summary>
    public void MatchPdq(ReadOnlySpan<Hash256> variants, int threshold, List<Match> results)
    {
        var scratch = t_pdqScratch ??= new List<PdqMatch>();
        scratch.Clear();
        var state = Volatile.Read(ref _pdq);
        state.Index.SearchDihedral(variants, threshold, scratch);
        if (scratch.Count == 0) return;
        var entries = ResolvePdq(state, scratch);
        foreach (var m in scratch)
        {
            if (!entries.TryGetValue(state.Rows.EntryIdOf(m.Id), out var e)) continue;
            int best = 0;
            for (int v = 0; v < variants.Length; v++)
                if (variants[v].DistanceTo(e.Hash) == m.Distance) { best = v; break; }
            results.Add(new Match(e.Entry, m.Distance) { Transform = (Dihedral)best, QueryPdq = variants[best] });
        }
    }

    /// <summary>The matched rows' entries as the store holds them now (gone or disabled ones left out).</summary>
    private Dictionary<long, EntryCache.Found> ResolvePdq(PdqState state, List<PdqMatch> matches)
    {
        var ids = new long[matches.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = state.Rows.EntryIdOf(matches[i].Id);
        return _pdqEntries.Get(ids, _banks);
    }

    /// <summary>
    /// Entries of every exact type of <paramref name="algorithm"/> (md5 and video_md5 for MD5) whose
    /// value equals <paramref name="digest"/>; distance 0. A wrong length matches nothing.
    /// </summary>
    public void MatchExact(DigestAlgorithm algorithm, ReadOnlySpan<byte> digest, List<Match> results)
    {
        var index = ExactFor(algorithm);
        if (index is null || digest.Length != index.KeyLength) return;
        var ids = t_idScratch ??= new List<int>();
        ids.Clear();
        index.Find(digest, ids);
        if (ids.Count == 0) return;
        var slots = Volatile.Read(ref _slots);
        ids.Sort();
        foreach (var id in ids)
            if (slots[id] is { } s) results.Add(new Match(s.Entry, 0));
    }

    /// <summary>
    /// PDQ entries and banked videos' frames within <paramref name="threshold"/> of one frame (a
    /// live stream's), as (slot id, distance); <see cref="EntryOf"/> names the entry of an id.
    /// </summary>
    public void MatchFrame(in Hash256 frame, int threshold, List<PdqMatch> results)
    {
        var scratch = t_pdqScratch ??= new List<PdqMatch>();
        var state = Volatile.Read(ref _pdq);
        state.Index.Search(frame, threshold, scratch);
        // PDQ entries are named by their entry id, negated: slot ids of videos are never negative.
        // (Entry ids stay far below 2^31 in practice; a larger one would not fit this int.)
        foreach (var m in scratch) results.Add(new PdqMatch(checked((int)-state.Rows.EntryIdOf(m.Id)), m.Distance));
        _videoFrames.Search(frame, threshold, scratch);
        results.AddRange(scratch);
    }

    /// <summary>The entry behind a slot id from <see cref="MatchFrame"/>.</summary>
    public MatchedEntry EntryOf(int id)
    {
        if (id >= 0) return Volatile.Read(ref _slots)[id]!.Entry;
        var found = _pdqEntries.Get([-(long)id], null);
        return found.Count == 1 ? found.First().Value.Entry
            : throw new KeyNotFoundException($"PDQ entry {-(long)id} is no longer in the store");
    }

    /// <summary>Frame hashes a live stream is matched against: PDQ entries and banked videos' distinct frames.</summary>
    public int FrameTargets => PdqCount + _videoFrames.Count;

    /// <summary>Banked vPDQ videos that meet the video rule against <paramref name="query"/>'s frames.</summary>
    public void MatchVideo(IReadOnlyList<VpdqFrame> query, int threshold, double queryPercent, double comparedPercent, List<Match> results)
    {
        var (videos, ids) = Videos();
        if (ids.Length == 0) return;
        var slots = Volatile.Read(ref _slots);
        foreach (var v in videos.Search(query, queryPercent, comparedPercent, threshold))
            results.Add(new Match(slots[ids[v.Id]]!.Entry, 0)
            {
                QueryMatchPercent = v.Comparison.QueryMatchPercent, ComparedMatchPercent = v.Comparison.ComparedMatchPercent,
            });
    }

    /// <summary>TMK entries currently indexed.</summary>
    public int TmkCount => Volatile.Read(ref _tmkCount);
    private int _tmkCount;

    /// <summary>Bytes of TMK level-2 features held in memory (at most the budget).</summary>
    public long TmkFeatureBytes => Interlocked.Read(ref _tmkKeptBytes);

    /// <summary>
    /// Banked TMK videos whose level-1 score (cosine of pure averages) against <paramref name="query"/>
    /// reaches <paramref name="level1Threshold"/> and whose level-2 score (time kernel) reaches
    /// <paramref name="level2Threshold"/>; when either side holds only the pure average, level 1
    /// alone decides. Best level-2 (else level-1) score first, then by entry id. A match's entry
    /// value is the banked video's level-1 form (its pure average in base64): the index does not keep whole values.
    /// </summary>
    public void MatchTmk(TmkFeatures query, float level1Threshold, float level2Threshold, List<Match> results)
    {
        if (query.Dimension != TmkRows.Dimension) return;
        var candidates = t_tmkScratch ??= [];
        candidates.Clear();
        _tmk.Search(query.PureAverage, level1Threshold, candidates);
        if (candidates.Count == 0) return;
        int start = results.Count;
        bool queryLevel1Only = TmkSignal.IsLevel1Only(query);
        var slots = Volatile.Read(ref _slots);
        foreach (var (id, level1) in candidates)
        {
            var s = slots[id]!;
            float? level2 = null;
            if (!queryLevel1Only)
            {
                var features = s.Tmk ?? ReadTmk(s.Entry);
                if (features is null) continue; // removed since the search
                if (!TmkSignal.IsLevel1Only(features))
                {
                    // Made with other parameters (frame rate, periods): the time kernels cannot be compared.
                    if (TmkFeatures.Incompatibility(query, features) is not null) continue;
                    level2 = TmkScorer.Level2(query, features);
                    if (level2 < level2Threshold) continue;
                }
            }
            var entry = s.Entry with { Value = SignalTypes.Tmk.Level1Text(TmkSignal.Level1Only(s.TmkPureAverage!)) };
            results.Add(new Match(entry, 0) { TmkLevel1 = level1, TmkLevel2 = level2 });
        }
        results.Sort(start, results.Count - start, TmkOrder.Instance);
    }

    private sealed class TmkOrder : IComparer<Match>
    {
        public static readonly TmkOrder Instance = new();

        public int Compare(Match? x, Match? y)
        {
            int c = (y!.TmkLevel2 ?? y.TmkLevel1 ?? 0).CompareTo(x!.TmkLevel2 ?? x.TmkLevel1 ?? 0);
            return c != 0 ? c : x.Entry.Id.CompareTo(y.Entry.Id);
        }
    }

    /// <summary>
    /// A TMK entry's features from the store, for an entry whose features did not fit the memory
    /// budget; null when it is gone. Synchronous: the bank stores answer one keyed row at once,
    /// and only level-1 candidates (a handful per query) are read.
    /// </summary>
    private TmkFeatures? ReadTmk(MatchedEntry entry)
    {
        var page = _store.ListEntriesAsync(entry.Bank, entry.Id - 1, 1, includeDisabled: true, signalType: SignalTypes.Tmk.Name)
            .ConfigureAwait(false).GetAwaiter().GetResult();
        return page.Count == 1 && page[0].Id == entry.Id && SignalTypes.Tmk.TryParse(page[0].Value, out var f, out _) ? f : null;
    }

    private (VpdqIndex Index, int[] Slots) Videos()
    {
        lock (_videoSlots)
        {
            if (_videos is { } built) return built;
            var index = new VpdqIndex();
            var ids = _videoSlots.Order().ToArray();
            var slots = _slots;
            for (int i = 0; i < ids.Length; i++) index.Add(i, slots[ids[i]]!.Frames!);
            _videos = (index, ids);
            return (index, ids);
        }
    }

    private ExactIndex? ExactFor(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Md5 => _md5,
        DigestAlgorithm.Sha1 => _sha1,
        DigestAlgorithm.Sha256 => _sha256,
        _ => null,
    };

    /// <summary>Makes an exact or video slot searchable (PDQ slots go into the PDQ index directly).</summary>
    private void Insert(int id, Slot slot)
    {
        if (slot.Type is DigestSignal d) { ExactFor(d.Algorithm)!.Add(Convert.FromHexString(slot.Entry.Value), id); return; }
        if (slot.Type == SignalTypes.Tmk) { InsertTmk(id, slot); return; }
        lock (_videoSlots)
        {
            _videoSlots.Add(id);
            foreach (var h in VpdqMatcher.Distinct(slot.Frames!)) _videoFrames.Add(h, id);
            _videos = null;
        }
    }

    private void Delete(int id, Slot slot)
    {
        if (slot.Type is DigestSignal d) { ExactFor(d.Algorithm)!.Remove(Convert.FromHexString(slot.Entry.Value), id); return; }
        if (slot.Type == SignalTypes.Tmk)
        {
            _tmk.Remove(id);
            Interlocked.Decrement(ref _tmkCount);
            if (slot.Tmk is { } kept) Interlocked.Add(ref _tmkKeptBytes, -FeatureBytes(kept));
            return;
        }
        lock (_videoSlots)
        {
            _videoSlots.Remove(id);
            foreach (var h in VpdqMatcher.Distinct(slot.Frames!)) _videoFrames.Remove(h, id);
            _videos = null;
        }
    }

    /// <summary>
    /// Adds a TMK slot's pure average to the level-1 rows and keeps its whole features while the
    /// budget allows; past it the slot keeps only the pure average and level 2 reads the store.
    /// </summary>
    private void InsertTmk(int id, Slot slot)
    {
        var features = slot.Tmk!;
        long bytes = FeatureBytes(features);
        if (TmkSignal.IsLevel1Only(features) || _tmkKeptBytes + bytes <= _tmkBudget) Interlocked.Add(ref _tmkKeptBytes, bytes);
        else _slots[id] = slot with { Tmk = null };
        _tmk.Add(id, features.PureAverage);
        Interlocked.Increment(ref _tmkCount);
    }

    private static long FeatureBytes(TmkFeatures f) => 4L * (f.PureAverage.Length + f.Cos.Length + f.Sin.Length);

    private void Apply(EntryChange c)
    {
        if (c.SignalType == SignalTypes.Pdq.Name) { ApplyPdq(c); return; }
        bool live = !c.Removed && !c.Disabled && c.Entry is not null;
        if (_slotByEntry.TryGetValue(c.EntryId, out int old))
        {
            var current = _slots[old]!;
            if (live && current.Type.Name == c.Entry!.SignalType && current.Entry.Value == c.Entry.Value)
            {
                // Metadata update: swap the slot object, the indexes stay as they are.
                _slots[old] = MakeSlot(c.Entry);
                return;
            }
            RemoveSlot(old, current);
        }
        if (live && AddSlot(c.Entry!, out var slot) is var id and >= 0) Insert(id, slot);
    }

    /// <summary>A PDQ entry's change: in or out of the index (its metadata lives in the store).</summary>
    private void ApplyPdq(EntryChange c)
    {
        _pdqEntries.Invalidate(c.EntryId);
        var state = _pdq;
        bool live = !c.Removed && !c.Disabled && c.Entry is not null;
        int row = state.Rows.Find(c.EntryId);
        if (live == row >= 0 || !Hash256.TryParse(c.Value, out var hash)) return;
        if (row >= 0)
        {
            state.Index.Remove(hash, row);
            state.Rows.Remove(row);
        }
        else
        {
            // The row's entry id is written before the index publishes the row.
            row = state.Rows.Add(c.EntryId);
            state.Index.Add(hash, row);
        }
    }

    private void RemoveSlot(int id, Slot slot)
    {
        Delete(id, slot);
        _slotByEntry.Remove(slot.EntryId);
        Interlocked.Decrement(ref _count);
        // The slot object stays so a reader that already found this id can still describe it.
    }

    private static Slot MakeSlot(BankEntry e)
    {
        var type = SignalTypes.ForStored(e.SignalType, e.Value.Length);
        var entry = new MatchedEntry(e.Id, e.Bank, type, e.Value, e.ContentId, e.Category, e.Grade) { DisableUntil = e.DisableUntil };
        Hash256 pdq = default;
        IReadOnlyList<VpdqFrame>? frames = null;
        bool valid;
        if (type == SignalTypes.Tmk)
        {
            // The index keeps no TMK value text (350 KB each): a match names the entry by its level-1 form.
            valid = SignalTypes.Tmk.TryParse(e.Value, out var tmk, out _) && tmk.Dimension == TmkRows.Dimension;
            return new Slot(entry with { Value = "" }, default, null, valid) { Tmk = valid ? tmk : null, TmkPureAverage = valid ? tmk.PureAverage : null };
        }
        if (type == SignalTypes.Pdq) valid = Hash256.TryParse(e.Value, out pdq); // stored values are canonical hex already
        else if (type == SignalTypes.Vpdq)
        {
            valid = SignalTypes.Vpdq.TryParse(e.Value, out var f, out _) && f.Count > 0;
            if (valid) frames = f;
        }
        else valid = type is DigestSignal d && d.Algorithm != DigestAlgorithm.Other && e.Value.Length == d.HexLength;
        return new Slot(entry, pdq, frames, valid);
    }

    /// <summary>Registers an entry's slot (not yet searchable); -1 for values this index cannot hold.</summary>
    private int AddSlot(BankEntry e, out Slot slot)
    {
        slot = MakeSlot(e);
        if (!slot.Valid) return -1;
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
