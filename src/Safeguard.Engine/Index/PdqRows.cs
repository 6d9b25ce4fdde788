namespace Safeguard.Engine.Index;

/// <summary>
/// The entry ids of the PDQ index's rows (a row is the id the <see cref="Matching.PdqIndex"/> holds),
/// 8 bytes a row, and the way back from an entry id to its row. Rows added in ascending entry id
/// order (a load, a snapshot, new entries: ids are never reused) sit in one ascending run found by
/// binary search; an entry that comes back with an older id (re-enabled) gets a row above
/// <see cref="OutOfOrderBase"/>, found through a dictionary.
/// <para>Readers may call <see cref="EntryIdOf"/> for any row the index returned while the one writer adds.</para>
/// </summary>
internal sealed class PdqRows
{
    public const int OutOfOrderBase = 1 << 30;
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;

    private long[][] _chunks = [];
    private int _count;
    private ulong[] _removed = [];
    private int _removedCount;
    private readonly List<long> _outOfOrder = [];
    private long[] _outOfOrderIds = [];
    private readonly Dictionary<long, int> _outOfOrderRows = [];

    /// <summary>Rows in the ascending run (live or removed).</summary>
    public int AscendingCount => _count;

    /// <summary>Whether every row is in the ascending run and none was removed (a snapshot can be written as is).</summary>
    public bool IsCompact => _removedCount == 0 && _outOfOrderRows.Count == 0 && _outOfOrder.Count == 0;

    public long EntryIdOf(int row)
    {
        if (row >= OutOfOrderBase) return Volatile.Read(ref _outOfOrderIds)[row - OutOfOrderBase];
        return Volatile.Read(ref _chunks)[row >> ChunkBits][row & (ChunkSize - 1)];
    }

    /// <summary>The live row of an entry, or -1.</summary>
    public int Find(long entryId)
    {
        if (_outOfOrderRows.TryGetValue(entryId, out int extra)) return extra;
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            int mid = (int)(((uint)lo + (uint)hi) >> 1);
            long value = _chunks[mid >> ChunkBits][mid & (ChunkSize - 1)];
            if (value == entryId) return IsRemoved(mid) ? -1 : mid;
            if (value < entryId) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>A new row for an entry that has none live.</summary>
    public int Add(long entryId)
    {
        if (_count == 0 || entryId > LastAscending)
        {
            if (_count == OutOfOrderBase) throw new InvalidOperationException("PDQ index full");
            int chunk = _count >> ChunkBits;
            if (chunk == _chunks.Length)
            {
                var grown = new long[chunk + 1][];
                Array.Copy(_chunks, grown, chunk);
                grown[chunk] = new long[ChunkSize];
                Volatile.Write(ref _chunks, grown);
            }
            if ((_count >> 6) >= _removed.Length) Array.Resize(ref _removed, Math.Max(16, _removed.Length * 2));
            _chunks[chunk][_count & (ChunkSize - 1)] = entryId;
            return _count++;
        }
        int row = OutOfOrderBase + _outOfOrder.Count;
        _outOfOrder.Add(entryId);
        if (_outOfOrder.Count > _outOfOrderIds.Length)
        {
            var grown = new long[Math.Max(16, _outOfOrderIds.Length * 2)];
            _outOfOrderIds.CopyTo(grown, 0);
            grown[_outOfOrder.Count - 1] = entryId;
            Volatile.Write(ref _outOfOrderIds, grown);
        }
        else _outOfOrderIds[_outOfOrder.Count - 1] = entryId;
        _outOfOrderRows[entryId] = row;
        return row;
    }

    public void Remove(int row)
    {
        if (row >= OutOfOrderBase)
        {
            _outOfOrderRows.Remove(_outOfOrder[row - OutOfOrderBase]);
            return;
        }
        if (IsRemoved(row)) return;
        _removed[row >> 6] |= 1UL << row;
        _removedCount++;
    }

    private long LastAscending => _chunks[(_count - 1) >> ChunkBits][(_count - 1) & (ChunkSize - 1)];

    private bool IsRemoved(int row) => (row >> 6) < _removed.Length && (_removed[row >> 6] & (1UL << row)) != 0;

    /// <summary>Bytes held (the chunks are allocated whole).</summary>
    public long MemoryBytes => _chunks.Length * (long)ChunkSize * 8 + _removed.Length * 8L + _outOfOrderIds.Length * 8L + _outOfOrderRows.Count * 24L;

    /// <summary>Rows from <paramref name="count"/> entry ids in ascending order read from a snapshot.</summary>
    /// <exception cref="InvalidDataException">The ids are not ascending.</exception>
    public static PdqRows ReadAscending(Stream input, int count)
    {
        var rows = new PdqRows();
        int chunks = (count + ChunkSize - 1) >> ChunkBits;
        rows._chunks = new long[chunks][];
        long previous = long.MinValue;
        for (int c = 0; c < chunks; c++)
        {
            int start = c << ChunkBits, length = Math.Min(ChunkSize, count - start);
            var chunk = rows._chunks[c] = new long[ChunkSize];
            input.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.AsSpan(0, length)));
            foreach (long id in chunk.AsSpan(0, length))
            {
                if (id <= previous) throw new InvalidDataException("entry ids are not ascending");
                previous = id;
            }
        }
        rows._count = count;
        rows._removed = new ulong[Math.Max(16, (count + 63) / 64)];
        return rows;
    }

    /// <summary>Rows from entry ids in ascending order (after a rebuild).</summary>
    public static PdqRows FromAscending(long[] entryIds)
    {
        var rows = new PdqRows();
        foreach (long id in entryIds) rows.Add(id);
        if (!rows.IsCompact) throw new ArgumentException("entry ids are not ascending", nameof(entryIds));
        return rows;
    }

    /// <summary>Writes the ascending run's entry ids (for a compact snapshot).</summary>
    public void WriteAscending(Stream output)
    {
        for (int c = 0; c < _chunks.Length; c++)
        {
            int start = c << ChunkBits, length = Math.Min(ChunkSize, _count - start);
            if (length <= 0) break;
            output.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_chunks[c].AsSpan(0, length)));
        }
    }
}
