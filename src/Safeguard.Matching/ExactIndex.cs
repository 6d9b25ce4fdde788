namespace Safeguard.Matching;

/// <summary>
/// Exact lookup of fixed-length byte keys (MD5 16 bytes, SHA-1 20, SHA-256 32) to ids: an
/// open-addressing hash table whose keys sit in one flat byte array (no per-entry objects).
/// A key may map to several ids. Readers take no lock; one writer at a time (writes are
/// serialised). Slots are never reused in place: a removal leaves a tombstone and the table is
/// rebuilt when full, so a reader never sees a half-written key.
/// </summary>
public sealed class ExactIndex
{
    private const byte Empty = 0, Full = 1, Removed = 2;

    private sealed class Table
    {
        public readonly byte[] Keys;
        public readonly int[] Ids;
        public readonly byte[] States;
        public readonly int Mask;
        public int Used; // full + removed slots

        public Table(int capacity, int keyLength)
        {
            Keys = new byte[(long)capacity * keyLength];
            Ids = new int[capacity];
            States = new byte[capacity];
            Mask = capacity - 1;
        }
    }

    private readonly object _writeLock = new();
    private Table _table;
    private int _count;

    public ExactIndex(int keyLength, int initialCapacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keyLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyLength, 64);
        KeyLength = keyLength;
        _table = new Table(CapacityFor(initialCapacity), keyLength);
    }

    public int KeyLength { get; }
    public int Count => Volatile.Read(ref _count);
    public long MemoryBytes { get { var t = Volatile.Read(ref _table); return t.Keys.LongLength + t.Ids.Length * 4L + t.States.Length; } }

    /// <summary>Bulk build from concatenated keys (<c>ids.Length * keyLength</c> bytes).</summary>
    public static ExactIndex Build(int keyLength, ReadOnlySpan<byte> keys, ReadOnlySpan<int> ids)
    {
        if (keys.Length != (long)ids.Length * keyLength)
            throw new ArgumentException($"{keys.Length} key bytes do not make {ids.Length} keys of {keyLength} bytes", nameof(keys));
        var index = new ExactIndex(keyLength, ids.Length);
        for (int i = 0; i < ids.Length; i++) index.Add(keys.Slice(i * keyLength, keyLength), ids[i]);
        return index;
    }

    public void Add(ReadOnlySpan<byte> key, int id)
    {
        CheckKey(key);
        lock (_writeLock)
        {
            var table = _table;
            if ((table.Used + 1) * 4L > (table.Mask + 1) * 3L)
                table = Rehash(table, _count + 1);
            int slot = SlotOf(key, table.Mask);
            while (table.States[slot] != Empty) slot = (slot + 1) & table.Mask;
            key.CopyTo(table.Keys.AsSpan(slot * KeyLength, KeyLength));
            table.Ids[slot] = id;
            Volatile.Write(ref table.States[slot], Full);
            table.Used++;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Removes every (key, id) entry; returns how many.</summary>
    public int Remove(ReadOnlySpan<byte> key, int id)
    {
        CheckKey(key);
        lock (_writeLock)
        {
            var table = _table;
            int removed = 0;
            for (int slot = SlotOf(key, table.Mask); table.States[slot] != Empty; slot = (slot + 1) & table.Mask)
            {
                if (table.States[slot] == Full && table.Ids[slot] == id && KeyAt(table, slot).SequenceEqual(key))
                {
                    Volatile.Write(ref table.States[slot], Removed);
                    removed++;
                }
            }
            Volatile.Write(ref _count, _count - removed);
            return removed;
        }
    }

    /// <summary>Appends the ids stored under <paramref name="key"/>; returns how many were found.</summary>
    public int Find(ReadOnlySpan<byte> key, List<int> ids)
    {
        CheckKey(key);
        var table = Volatile.Read(ref _table);
        int found = 0;
        for (int slot = SlotOf(key, table.Mask); ; slot = (slot + 1) & table.Mask)
        {
            byte state = Volatile.Read(ref table.States[slot]);
            if (state == Empty) return found;
            if (state == Full && KeyAt(table, slot).SequenceEqual(key))
            {
                ids.Add(table.Ids[slot]);
                found++;
            }
        }
    }

    public bool Contains(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        var table = Volatile.Read(ref _table);
        for (int slot = SlotOf(key, table.Mask); ; slot = (slot + 1) & table.Mask)
        {
            byte state = Volatile.Read(ref table.States[slot]);
            if (state == Empty) return false;
            if (state == Full && KeyAt(table, slot).SequenceEqual(key)) return true;
        }
    }

    private ReadOnlySpan<byte> KeyAt(Table table, int slot) => table.Keys.AsSpan(slot * KeyLength, KeyLength);

    private void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"key has {key.Length} bytes, this index holds {KeyLength}-byte keys", nameof(key));
    }

    /// <summary>Seeded per process, so crafted keys cannot force long probe chains.</summary>
    private static int SlotOf(ReadOnlySpan<byte> key, int mask)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode() & mask;
    }

    private static int CapacityFor(int entries)
    {
        long wanted = Math.Max(16L, entries * 2L);
        if (wanted > 1 << 30) throw new InvalidOperationException($"exact index too large: {entries} entries");
        return (int)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)wanted);
    }

    /// <summary>Builds a larger table without tombstones, then publishes it.</summary>
    private Table Rehash(Table old, int entries)
    {
        var table = new Table(CapacityFor(entries), KeyLength);
        for (int slot = 0; slot <= old.Mask; slot++)
        {
            if (old.States[slot] != Full) continue;
            var key = KeyAt(old, slot);
            int target = SlotOf(key, table.Mask);
            while (table.States[target] != Empty) target = (target + 1) & table.Mask;
            key.CopyTo(table.Keys.AsSpan(target * KeyLength, KeyLength));
            table.Ids[target] = old.Ids[slot];
            table.States[target] = Full;
            table.Used++;
        }
        Volatile.Write(ref _table, table);
        return table;
    }
}
