using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// The small append-only buffer that takes single adds before they are folded into a segment.
/// Searched by a linear scan. The writer fills slot n, then publishes the new count, so a
/// reader that read the count only sees fully written slots.
/// </summary>
internal sealed class PdqOverlay(int capacity)
{
    private readonly Hash256[] _hashes = new Hash256[capacity];
    private readonly int[] _ids = new int[capacity];
    private readonly ulong[] _deleted = new ulong[(capacity + 63) / 64];
    private int _count;
    private int _deletedCount;

    public int Capacity => _hashes.Length;
    public int Count => Volatile.Read(ref _count);
    public int LiveCount => Count - Volatile.Read(ref _deletedCount);
    public bool IsFull => _count == _hashes.Length;
    public long MemoryBytes => _hashes.Length * 36L + _deleted.Length * 8L;

    public void Append(in Hash256 hash, int id)
    {
        int n = _count;
        _hashes[n] = hash;
        _ids[n] = id;
        Volatile.Write(ref _count, n + 1);
    }

    public int RemoveAll(in Hash256 hash, int id)
    {
        int removed = 0;
        for (int pos = 0; pos < _count; pos++)
        {
            if (_ids[pos] != id || _hashes[pos] != hash || IsDeleted(pos)) continue;
            Volatile.Write(ref _deleted[pos >> 6], _deleted[pos >> 6] | (1UL << pos));
            removed++;
        }
        Volatile.Write(ref _deletedCount, _deletedCount + removed);
        return removed;
    }

    private bool IsDeleted(int pos) => (Volatile.Read(ref _deleted[pos >> 6]) & (1UL << pos)) != 0;

    public void Search(in Hash256 query, int threshold, List<PdqMatch> results)
    {
        var hashes = _hashes.AsSpan(0, Count);
        for (int pos = 0; pos < hashes.Length; pos++)
        {
            int distance = hashes[pos].DistanceTo(query);
            if (distance <= threshold && !IsDeleted(pos)) results.Add(new PdqMatch(_ids[pos], distance));
        }
    }

    /// <summary>Copies the live entries into new exact-size arrays.</summary>
    public (Hash256[] Hashes, int[] Ids) TakeLive()
    {
        int live = LiveCount, n = 0;
        var hashes = new Hash256[live];
        var ids = new int[live];
        for (int pos = 0; pos < _count; pos++)
        {
            if (IsDeleted(pos)) continue;
            hashes[n] = _hashes[pos];
            ids[n++] = _ids[pos];
        }
        return (hashes, ids);
    }
}
