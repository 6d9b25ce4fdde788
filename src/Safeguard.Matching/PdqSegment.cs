using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// An immutable block of entries with its multi-index (slices as its <see cref="SliceLayout"/> cuts
/// them). For each slice, the entries are bucketed
/// by the high <c>directoryBits</c> bits of their slice value (a counting sort: one directory
/// of bucket starts plus one flat postings array). A posting is one uint: the slice's remaining
/// low bits above the entry's position, so a bucket scan can reject most entries without
/// touching the hash itself. Only the deleted-bit set changes after construction.
/// </summary>
internal sealed class PdqSegment
{
    private readonly NativeBuffer<Hash256> _hashes;
    private readonly SliceLayout _layout;
    // Null when every id equals its position (a bulk build's ids): 4 bytes a hash saved.
    private readonly int[]? _ids;
    private readonly ulong[] _deleted;
    private readonly int _positionBits;
    private readonly uint _positionMask;
    private readonly int _directoryBits;
    private readonly NativeBuffer<int>[] _directories;
    private readonly NativeBuffer<uint>[] _postings;
    private readonly SearchPlan?[] _plans = new SearchPlan?[Hash256.Bits + 1];
    private readonly bool _allowBruteForce;
    private int _deletedCount;

    public int Count { get; }
    public int DeletedCount => Volatile.Read(ref _deletedCount);
    public int LiveCount => Count - DeletedCount;

    /// <summary>Takes ownership of the arrays (their first <paramref name="count"/> items).</summary>
    /// <param name="layout">Null: the layout for the size (<see cref="SliceLayout.For"/>); tests force one.</param>
    public PdqSegment(Hash256[] hashes, int[] ids, int count, bool allowBruteForce = true, SliceLayout? layout = null)
        : this(CopyToNative(hashes, count), ids.Length == count ? ids : ids[..count], allowBruteForce, layout)
    {
    }

    /// <summary>Takes ownership of <paramref name="hashes"/> and <paramref name="ids"/> (one id per hash; null: each id is its position).</summary>
    public PdqSegment(NativeBuffer<Hash256> hashes, int[]? ids, bool allowBruteForce = true, SliceLayout? layout = null)
        : this(hashes, CheckIds(hashes, ids), layout ?? SliceLayout.For(hashes.Length), allowBruteForce)
    {
        Parallel.For(0, _layout.Count, BuildSlice);
    }

    /// <summary>A segment with empty tables of the layout's shape, for <see cref="BuildSlice"/> to fill.</summary>
    private PdqSegment(NativeBuffer<Hash256> hashes, int[]? ids, SliceLayout layout, bool allowBruteForce)
        : this(hashes, ids, layout, ChooseDirectoryBits(hashes.Length, PositionBitsFor(hashes.Length), layout),
            new NativeBuffer<int>[layout.Count], new NativeBuffer<uint>[layout.Count], allowBruteForce)
    {
    }

    private static int[]? CheckIds(NativeBuffer<Hash256> hashes, int[]? ids) =>
        ids is not null && ids.Length != hashes.Length
            ? throw new ArgumentException($"{hashes.Length} hashes but {ids.Length} ids", nameof(ids))
            : ids;

    /// <summary>A segment whose tables were read back (see <see cref="PdqSegmentFile"/>; the caller has checked them), or are about to be built.</summary>
    internal PdqSegment(NativeBuffer<Hash256> hashes, int[]? ids, SliceLayout layout, int directoryBits, NativeBuffer<int>[] directories,
        NativeBuffer<uint>[] postings, bool allowBruteForce)
    {
        int count = hashes.Length;
        _allowBruteForce = allowBruteForce;
        _layout = layout;
        _hashes = hashes;
        _ids = ids is null || IsIdentity(ids) ? null : ids;
        Count = count;
        _deleted = new ulong[(count + 63) / 64];
        _positionBits = PositionBitsFor(count);
        _positionMask = _positionBits >= 32 ? uint.MaxValue : (1u << _positionBits) - 1;
        _directoryBits = directoryBits;
        _directories = directories;
        _postings = postings;
    }

    internal static int PositionBitsFor(int count) => Math.Max(1, 32 - BitOperations.LeadingZeroCount((uint)Math.Max(1, count - 1)));

    internal int DirectoryBits => _directoryBits;
    internal SliceLayout Layout => _layout;
    internal NativeBuffer<Hash256> Hashes => _hashes;
    /// <summary>Each position's id (made on demand when they equal the positions).</summary>
    internal int[] Ids
    {
        get
        {
            if (_ids is not null) return _ids;
            var ids = new int[Count];
            for (int i = 0; i < ids.Length; i++) ids[i] = i;
            return ids;
        }
    }

    internal bool HasIdentityIds => _ids is null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IdAt(int position) => _ids is null ? position : _ids[position];

    private static bool IsIdentity(int[] ids)
    {
        for (int i = 0; i < ids.Length; i++)
            if (ids[i] != i) return false;
        return true;
    }
    internal NativeBuffer<int> Directory(int slice) => _directories[slice];
    internal NativeBuffer<uint> Postings(int slice) => _postings[slice];

    private static NativeBuffer<Hash256> CopyToNative(Hash256[] hashes, int count)
    {
        var buffer = new NativeBuffer<Hash256>(count, zeroed: false);
        hashes.AsSpan(0, count).CopyTo(buffer.AsSpan());
        return buffer;
    }

    /// <summary>About eight entries per bucket, while each posting's low slice bits and position fit in 32 bits.</summary>
    internal static int ChooseDirectoryBits(int count, int positionBits, SliceLayout layout)
    {
        int wanted = BitOperations.Log2((uint)Math.Max(1, count)) - 3;
        int minimum = layout.MaxWidth - (32 - positionBits);
        return Math.Clamp(Math.Max(wanted, minimum), 1, layout.MinWidth);
    }

    private void BuildSlice(int slice)
    {
        int lowBits = _layout.Widths[slice] - _directoryBits;
        var directory = new NativeBuffer<int>((1 << _directoryBits) + 1, zeroed: true);
        var starts = directory.AsSpan();
        var hashes = _hashes.AsSpan();
        foreach (ref readonly var h in hashes)
            starts[(int)(_layout.Extract(h, slice) >> lowBits) + 1]++;
        for (int b = 1; b < starts.Length; b++) starts[b] += starts[b - 1];
        var cursor = starts.ToArray();
        var postingsBuffer = new NativeBuffer<uint>(Count, zeroed: false);
        var postings = postingsBuffer.AsSpan();
        uint lowMask = (1u << lowBits) - 1;
        for (int pos = 0; pos < hashes.Length; pos++)
        {
            uint value = _layout.Extract(hashes[pos], slice);
            postings[cursor[value >> lowBits]++] = ((value & lowMask) << _positionBits) | (uint)pos;
        }
        _directories[slice] = directory;
        _postings[slice] = postingsBuffer;
    }

    public long MemoryBytes =>
        _hashes.Bytes + (_ids?.Length ?? 0) * 4L + _deleted.Length * 8L
        + _directories.Sum(d => d.Bytes) + _postings.Sum(p => p.Bytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsDeleted(int position) => (Volatile.Read(ref _deleted[position >> 6]) & (1UL << position)) != 0;

    /// <summary>Marks an entry deleted; only the index's single writer calls this.</summary>
    public bool Delete(int position)
    {
        ref ulong word = ref _deleted[position >> 6];
        ulong bit = 1UL << position;
        if ((word & bit) != 0) return false;
        Volatile.Write(ref word, word | bit);
        Volatile.Write(ref _deletedCount, _deletedCount + 1);
        return true;
    }

    /// <summary>Positions of live entries equal to (hash, id), found through slice 0 with no flips.</summary>
    public void FindExact(in Hash256 hash, int id, List<int> positions)
    {
        int lowBits = _layout.Widths[0] - _directoryBits;
        uint value = _layout.Extract(hash, 0);
        uint low = value & ((1u << lowBits) - 1);
        var dir = _directories[0].AsSpan();
        var postings = _postings[0].AsSpan();
        var hashes = _hashes.AsSpan();
        uint bucket = value >> lowBits;
        for (int j = dir[(int)bucket]; j < dir[(int)bucket + 1]; j++)
        {
            uint p = postings[j];
            if (p >> _positionBits != low) continue;
            int pos = (int)(p & _positionMask);
            if (IdAt(pos) == id && hashes[pos] == hash && !IsDeleted(pos)) positions.Add(pos);
        }
        GC.KeepAlive(this);
    }

    /// <summary>Appends the live entries of this segment within <paramref name="threshold"/> of the query.</summary>
    public void Search(in Hash256 query, int threshold, List<PdqMatch> results)
    {
        var plan = PlanFor(threshold);
        if (plan.BruteForce)
        {
            Scan(query, threshold, results);
            return;
        }
        Span<uint> querySlices = stackalloc uint[SliceLayout.MaxSlices];
        _layout.ExtractAll(query, querySlices);
        for (int pi = 0; pi < plan.Slices.Length; pi++)
            ProbeSlice(query, querySlices, threshold, plan, pi, results);
        GC.KeepAlive(this); // the probes hold raw references into native buffers
    }

    /// <summary>The probe plan for a threshold, e.g. "probe 11 slices, flips 2,2,2,2,2,2,2,2,2,2,1".</summary>
    public string DescribePlan(int threshold)
    {
        var plan = PlanFor(threshold);
        return plan.BruteForce
            ? $"{Count:N0} entries, {_layout.Count} slices: scan"
            : $"{Count:N0} entries, {_layout.Count} slices ({string.Join(",", _layout.Widths)} bits), {_directoryBits}-bit buckets: probe {plan.Slices.Length} slices, flips {string.Join(",", plan.Flips)}";
    }

    internal SearchPlan PlanFor(int threshold)
    {
        var plan = Volatile.Read(ref _plans[threshold]);
        if (plan is null)
        {
            plan = SearchPlan.Create(threshold, Count, _directoryBits, _layout, _allowBruteForce);
            Volatile.Write(ref _plans[threshold], plan);
        }
        return plan;
    }

    private void ProbeSlice(in Hash256 query, ReadOnlySpan<uint> querySlices, int threshold,
        SearchPlan plan, int planIndex, List<PdqMatch> results)
    {
        int slice = plan.Slices[planIndex], flips = plan.Flips[planIndex];
        int lowBits = _layout.Widths[slice] - _directoryBits;
        uint value = querySlices[slice];
        uint high = value >> lowBits, low = value & ((1u << lowBits) - 1);
        ref Hash256 hashes = ref _hashes.Reference;
        var candidates = CandidateBuffer ??= new int[1024];
        int found = Collect(slice, high, low, flips, ref candidates);
        CandidateBuffer = candidates;
        // Second pass: the full hashes are random reads too, so prefetch them ahead of the popcount.
        for (int c = 0; c < found; c++)
        {
            if (c + HashLookahead < found) Prefetch(ref Unsafe.Add(ref hashes, candidates[c + HashLookahead]));
            int pos = candidates[c];
            int distance = Unsafe.Add(ref hashes, pos).DistanceTo(query);
            if (distance <= threshold)
                Accept(pos, distance, querySlices, plan, planIndex, results);
        }
    }

    /// <summary>Positions in the probed buckets whose low slice bits are within the budget the bucket's own flips leave.</summary>
    private int Collect(int slice, uint high, uint low, int flips, ref int[] candidates)
    {
        var masks = FlipMasks.For(_directoryBits);
        int probes = masks.Start[Math.Min(flips, _directoryBits) + 1];
        int positionBits = _positionBits;
        uint positionMask = _positionMask;
        ref int dir = ref _directories[slice].Reference;
        ref uint postings = ref _postings[slice].Reference;
        ref uint maskRef = ref MemoryMarshal.GetArrayDataReference(masks.Masks);
        int found = 0;
        for (int mi = 0; mi < probes; mi++)
        {
            // Buckets are random reads: fetch the directory entry far ahead and the postings
            // nearer ahead, so several cache misses are in flight instead of one at a time.
            if (mi + DirectoryLookahead < probes)
                Prefetch(ref Unsafe.Add(ref dir, high ^ Unsafe.Add(ref maskRef, mi + DirectoryLookahead)));
            if (mi + PostingsLookahead < probes)
                Prefetch(ref Unsafe.Add(ref postings, Unsafe.Add(ref dir, high ^ Unsafe.Add(ref maskRef, mi + PostingsLookahead))));
            uint mask = Unsafe.Add(ref maskRef, mi);
            int lowBudget = flips - BitOperations.PopCount(mask);
            uint bucket = high ^ mask;
            int end = Unsafe.Add(ref dir, bucket + 1);
            for (int j = Unsafe.Add(ref dir, bucket); j < end; j++)
            {
                uint p = Unsafe.Add(ref postings, j);
                if (BitOperations.PopCount((p >> positionBits) ^ low) > lowBudget) continue;
                if (found == candidates.Length) Array.Resize(ref candidates, found * 2);
                candidates[found++] = (int)(p & positionMask);
            }
        }
        return found;
    }

    /// <summary>Candidate positions of the slice being probed; one buffer per thread, reused.</summary>
    [ThreadStatic] private static int[]? CandidateBuffer;

    private const int HashLookahead = 8;
    private const int DirectoryLookahead = 16;
    private const int PostingsLookahead = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch<T>(ref T target)
    {
        // A prefetch never faults, so a stale address after a GC move would be harmless.
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref target));
    }

    /// <summary>Reports a verified hit once: only the first probed slice that can reach it does.</summary>
    private void Accept(int pos, int distance, ReadOnlySpan<uint> querySlices, SearchPlan plan, int planIndex,
        List<PdqMatch> results)
    {
        if (IsDeleted(pos)) return;
        ref readonly var hash = ref Unsafe.Add(ref _hashes.Reference, pos);
        for (int earlier = 0; earlier < planIndex; earlier++)
        {
            int s = plan.Slices[earlier];
            if (_layout.SliceDistance(hash, s, querySlices[s]) <= plan.Flips[earlier]) return;
        }
        results.Add(new PdqMatch(IdAt(pos), distance));
    }

    private void Scan(in Hash256 query, int threshold, List<PdqMatch> results)
    {
        var hashes = _hashes.AsSpan();
        for (int pos = 0; pos < hashes.Length; pos++)
        {
            int distance = hashes[pos].DistanceTo(query);
            if (distance <= threshold && !IsDeleted(pos)) results.Add(new PdqMatch(IdAt(pos), distance));
        }
        GC.KeepAlive(this);
    }

    /// <summary>Copies the live entries (for merging and compaction); returns how many were written.</summary>
    public int CopyLiveTo(Span<Hash256> hashes, Span<int> ids)
    {
        int n = 0;
        var own = _hashes.AsSpan();
        for (int pos = 0; pos < Count; pos++)
        {
            if (IsDeleted(pos)) continue;
            hashes[n] = own[pos];
            ids[n++] = IdAt(pos);
        }
        GC.KeepAlive(this);
        return n;
    }
}
