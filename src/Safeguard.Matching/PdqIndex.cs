using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// Exact PDQ radius search: returns exactly the entries a brute-force scan would, for any
/// threshold, using multi-index hashing (see docs/matching.md).
/// <para>
/// Layout: immutable indexed segments plus a small append-only overlay. Adds go to the
/// overlay; a full overlay becomes a segment, and segments of similar size are merged, so
/// segment sizes fall geometrically and a change never rebuilds the whole index. Removals
/// set a tombstone bit; a segment with many tombstones is rebuilt without them.
/// </para>
/// <para>
/// Thread safety: any number of concurrent readers with one writer at a time (writers are
/// serialised by a lock). Readers take no lock: they search an immutable snapshot of the
/// segment list and see each add or removal either fully or not at all.
/// </para>
/// </summary>
public sealed class PdqIndex
{
    public const int DefaultThreshold = Safeguard.Hashing.Pdq.PdqResult.DefaultMatchThreshold;
    public const int DefaultOverlayCapacity = 8192;

    private sealed class Snapshot(PdqSegment[] segments, PdqOverlay overlay)
    {
        public readonly PdqSegment[] Segments = segments;
        public readonly PdqOverlay Overlay = overlay;
    }

    private readonly object _writeLock = new();
    private readonly int _overlayCapacity;
    private readonly bool _allowBruteForce;
    private readonly SliceLayout? _layout; // null: each segment's size chooses; tests force one
    private Snapshot _snapshot;
    private int _count;

    public PdqIndex(int overlayCapacity = DefaultOverlayCapacity) : this(overlayCapacity, allowBruteForce: true) { }

    /// <param name="allowBruteForce">False only in tests: segments always probe, never scan.</param>
    internal PdqIndex(int overlayCapacity, bool allowBruteForce, SliceLayout? layout = null)
    {
        _allowBruteForce = allowBruteForce;
        _layout = layout;
        ArgumentOutOfRangeException.ThrowIfLessThan(overlayCapacity, 1);
        _overlayCapacity = overlayCapacity;
        _snapshot = new Snapshot([], new PdqOverlay(overlayCapacity));
    }

    /// <summary>Bulk build: one indexed segment from all entries (a counting sort per slice).</summary>
    public static PdqIndex Build(ReadOnlySpan<Hash256> hashes, ReadOnlySpan<int> ids, int overlayCapacity = DefaultOverlayCapacity) =>
        Build(hashes, ids, overlayCapacity, allowBruteForce: true);

    internal static PdqIndex Build(ReadOnlySpan<Hash256> hashes, ReadOnlySpan<int> ids, int overlayCapacity, bool allowBruteForce,
        SliceLayout? layout = null)
    {
        var index = new PdqIndex(overlayCapacity, allowBruteForce, layout);
        index.AddRange(hashes, ids);
        return index;
    }

    /// <summary>Live entries (adds minus removals).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Indexed segments currently held (the overlay not counted).</summary>
    public int SegmentCount => Volatile.Read(ref _snapshot).Segments.Length;

    /// <summary>Bytes held by the index's arrays.</summary>
    public long MemoryBytes
    {
        get
        {
            var snap = Volatile.Read(ref _snapshot);
            return snap.Segments.Sum(s => s.MemoryBytes) + snap.Overlay.MemoryBytes;
        }
    }

    /// <summary>How each segment searches at this threshold (for benchmarks and diagnostics).</summary>
    public string DescribePlan(int threshold)
    {
        var snap = Volatile.Read(ref _snapshot);
        return string.Join("; ", snap.Segments.Select(s => s.DescribePlan(threshold)).Append($"overlay of {snap.Overlay.Count:N0}: scan"));
    }

    public void Add(in Hash256 hash, int id)
    {
        lock (_writeLock)
        {
            var snap = _snapshot;
            if (snap.Overlay.IsFull) snap = FlushOverlay(snap);
            snap.Overlay.Append(hash, id);
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Adds many entries; a large batch becomes its own indexed segment at once.</summary>
    public void AddRange(ReadOnlySpan<Hash256> hashes, ReadOnlySpan<int> ids)
    {
        if (hashes.Length != ids.Length)
            throw new ArgumentException($"{hashes.Length} hashes but {ids.Length} ids", nameof(ids));
        if (hashes.Length < _overlayCapacity)
        {
            for (int i = 0; i < hashes.Length; i++) Add(hashes[i], ids[i]);
            return;
        }
        var segment = new PdqSegment(hashes.ToArray(), ids.ToArray(), hashes.Length, _allowBruteForce, _layout);
        lock (_writeLock)
        {
            var segments = new List<PdqSegment>(_snapshot.Segments) { segment };
            MergeSimilarSizes(segments);
            Volatile.Write(ref _snapshot, new Snapshot(segments.ToArray(), _snapshot.Overlay));
            Volatile.Write(ref _count, _count + hashes.Length);
        }
    }

    /// <summary>Adds a built segment (the builder's and the snapshot reader's way in).</summary>
    internal void AddSegment(PdqSegment segment)
    {
        lock (_writeLock)
        {
            var segments = new List<PdqSegment>(_snapshot.Segments) { segment };
            MergeSimilarSizes(segments);
            Volatile.Write(ref _snapshot, new Snapshot(segments.ToArray(), _snapshot.Overlay));
            Volatile.Write(ref _count, _count + segment.LiveCount);
        }
    }

    /// <summary>
    /// Whether the index is one segment without removals and nothing in the overlay (or empty):
    /// the shape <see cref="WriteTo"/> writes. <see cref="Compact"/> gives it.
    /// </summary>
    public bool IsCompact
    {
        get
        {
            var snap = Volatile.Read(ref _snapshot);
            return snap.Overlay.Count == 0 && (snap.Segments.Length == 0 || (snap.Segments.Length == 1 && snap.Segments[0].DeletedCount == 0));
        }
    }

    /// <summary>
    /// Writes a compact index's tables (see <see cref="IsCompact"/>) so <see cref="ReadFrom"/> can
    /// load them without building; the caller keeps writers out meanwhile.
    /// </summary>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!IsCompact) throw new InvalidOperationException("only a compact index is written; call Compact first");
        var snap = Volatile.Read(ref _snapshot);
        Span<byte> header = stackalloc byte[4];
        BitConverter.TryWriteBytes(header, snap.Segments.Length == 0 ? 0 : snap.Segments[0].Count);
        output.Write(header);
        if (snap.Segments.Length == 1) PdqSegmentFile.Write(snap.Segments[0], output);
    }

    /// <summary>Bytes <see cref="WriteTo"/> writes for a built index of <paramref name="count"/> entries.</summary>
    public static long WrittenLength(int count) =>
        4 + (count == 0 ? 0 : PdqSegmentFile.Length(count, SliceLayout.For(count)));

    /// <summary>Reads what <see cref="WriteTo"/> wrote for <paramref name="expectedCount"/> entries.</summary>
    /// <exception cref="InvalidDataException">The bytes are not such an index.</exception>
    /// <exception cref="EndOfStreamException">The input ends early.</exception>
    public static PdqIndex ReadFrom(Stream input, int expectedCount, int overlayCapacity = DefaultOverlayCapacity)
    {
        ArgumentNullException.ThrowIfNull(input);
        Span<byte> header = stackalloc byte[4];
        input.ReadExactly(header);
        int count = BitConverter.ToInt32(header);
        if (count != expectedCount) throw new InvalidDataException($"index holds {count} entries, expected {expectedCount}");
        var index = new PdqIndex(overlayCapacity);
        if (count > 0) index.AddSegment(PdqSegmentFile.Read(input, count));
        return index;
    }

    /// <summary>Every live entry (for rebuilding under other ids).</summary>
    public (Hash256[] Hashes, int[] Ids) CopyLive()
    {
        lock (_writeLock)
        {
            var snap = _snapshot;
            var (overlayHashes, overlayIds) = snap.Overlay.TakeLive();
            long live = snap.Segments.Sum(s => (long)s.LiveCount) + overlayHashes.Length;
            var hashes = new Hash256[live];
            var ids = new int[live];
            int n = 0;
            foreach (var segment in snap.Segments) n += segment.CopyLiveTo(hashes.AsSpan(n), ids.AsSpan(n));
            overlayHashes.CopyTo(hashes, n);
            overlayIds.CopyTo(ids, n);
            return (hashes, ids);
        }
    }

    /// <summary>Removes every live entry equal to (hash, id); returns how many were removed.</summary>
    public int Remove(in Hash256 hash, int id)
    {
        lock (_writeLock)
        {
            var snap = _snapshot;
            int removed = snap.Overlay.RemoveAll(hash, id);
            var positions = new List<int>();
            PdqSegment? needsCompaction = null;
            foreach (var segment in snap.Segments)
            {
                positions.Clear();
                segment.FindExact(hash, id, positions);
                foreach (int pos in positions)
                    if (segment.Delete(pos)) removed++;
                if (positions.Count > 0 && segment.DeletedCount > Math.Max(_overlayCapacity, segment.Count / 4))
                    needsCompaction = segment;
            }
            Volatile.Write(ref _count, _count - removed);
            if (needsCompaction is not null) Compact(snap, needsCompaction);
            return removed;
        }
    }

    /// <summary>Folds everything (overlay included) into one segment without tombstones.</summary>
    public void Compact()
    {
        lock (_writeLock)
        {
            var snap = _snapshot;
            var parts = snap.Segments.ToList();
            var (hashes, ids) = snap.Overlay.TakeLive();
            if (hashes.Length > 0) parts.Add(new PdqSegment(hashes, ids, hashes.Length, _allowBruteForce, _layout));
            var merged = parts.Count switch
            {
                0 => [],
                1 when parts[0].DeletedCount == 0 => [parts[0]],
                _ => new[] { MergeAll(parts) }.Where(s => s.Count > 0).ToArray(),
            };
            Volatile.Write(ref _snapshot, new Snapshot(merged, new PdqOverlay(_overlayCapacity)));
        }
    }

    /// <summary>
    /// Replaces <paramref name="results"/> with every live entry within <paramref name="threshold"/>
    /// (inclusive) of the query, nearest first (ties by id).
    /// </summary>
    public void Search(in Hash256 query, int threshold, List<PdqMatch> results)
    {
        results.Clear();
        SearchAppend(query, threshold, results);
        results.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id));
    }

    /// <summary>
    /// Searches each of a query's dihedral variants (the caller computes them, usually 8) and keeps
    /// the best distance per id, nearest first.
    /// </summary>
    public void SearchDihedral(ReadOnlySpan<Hash256> variants, int threshold, List<PdqMatch> results)
    {
        results.Clear();
        foreach (ref readonly var variant in variants) SearchAppend(variant, threshold, results);
        results.Sort(static (a, b) => a.Id != b.Id ? a.Id.CompareTo(b.Id) : a.Distance.CompareTo(b.Distance));
        int kept = 0;
        for (int i = 0; i < results.Count; i++)
            if (kept == 0 || results[kept - 1].Id != results[i].Id) results[kept++] = results[i];
        results.RemoveRange(kept, results.Count - kept);
        results.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id));
    }

    private void SearchAppend(in Hash256 query, int threshold, List<PdqMatch> results)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, Hash256.Bits);
        var snap = Volatile.Read(ref _snapshot);
        foreach (var segment in snap.Segments) segment.Search(query, threshold, results);
        snap.Overlay.Search(query, threshold, results);
    }

    private Snapshot FlushOverlay(Snapshot snap)
    {
        var (hashes, ids) = snap.Overlay.TakeLive();
        var segments = new List<PdqSegment>(snap.Segments);
        if (hashes.Length > 0) segments.Add(new PdqSegment(hashes, ids, hashes.Length, _allowBruteForce, _layout));
        MergeSimilarSizes(segments);
        var next = new Snapshot(segments.ToArray(), new PdqOverlay(_overlayCapacity));
        Volatile.Write(ref _snapshot, next);
        return next;
    }

    private void Compact(Snapshot snap, PdqSegment segment)
    {
        var segments = snap.Segments.Where(s => s != segment).ToList();
        var rebuilt = MergeAll([segment]);
        if (rebuilt.Count > 0) segments.Add(rebuilt);
        MergeSimilarSizes(segments);
        Volatile.Write(ref _snapshot, new Snapshot(segments.ToArray(), snap.Overlay));
    }

    /// <summary>Keeps each segment at least 4x the live size of the next smaller one.</summary>
    private void MergeSimilarSizes(List<PdqSegment> segments)
    {
        segments.Sort(static (a, b) => b.LiveCount.CompareTo(a.LiveCount));
        while (segments.Count >= 2 && segments[^1].LiveCount * 4L >= segments[^2].LiveCount)
        {
            var merged = MergeAll([segments[^2], segments[^1]]);
            segments.RemoveRange(segments.Count - 2, 2);
            if (merged.Count > 0) segments.Add(merged);
            segments.Sort(static (a, b) => b.LiveCount.CompareTo(a.LiveCount));
        }
    }

    private PdqSegment MergeAll(IReadOnlyList<PdqSegment> parts)
    {
        long live = parts.Sum(p => (long)p.LiveCount);
        if (live > Array.MaxLength) throw new InvalidOperationException($"index too large: {live} entries");
        var hashes = new Hash256[live];
        var ids = new int[live];
        int n = 0;
        foreach (var part in parts) n += part.CopyLiveTo(hashes.AsSpan(n), ids.AsSpan(n));
        return new PdqSegment(hashes, ids, n, _allowBruteForce, _layout);
    }
}
