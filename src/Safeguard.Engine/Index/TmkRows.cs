using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Safeguard.Hashing.Tmk;

namespace Safeguard.Engine.Index;

/// <summary>
/// The level-1 search of TMK entries: every entry's pure-average feature in one contiguous float
/// array, with its inverse norm, so a query's cosine against all of them is one SIMD pass over
/// memory (100,000 videos: 100 MB). The pass keeps rows within a small margin of the threshold;
/// each is then scored exactly as <see cref="TmkScorer.Level1(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// scores it, so the answer equals scoring every entry.
/// <para>Thread safety: one writer (the bank index's) and any number of readers. Readers work on
/// a published <see cref="Rows"/> snapshot whose rows never change; a removal only marks its row
/// (slot -1), and compaction or growth publishes new arrays.</para>
/// </summary>
public sealed class TmkRows
{
    public const int Dimension = TmkParameters.Dimension;

    // SIMD sums differ from the reference's left-to-right float sum in the last bits; rows this
    // close below the threshold are scored exactly before being dropped.
    private const float CandidateMargin = 1e-4f;

    private sealed class Rows(float[] vectors, float[] inverseNorms, int[] slots, int count)
    {
        public readonly float[] Vectors = vectors;
        public readonly float[] InverseNorms = inverseNorms;
        public readonly int[] Slots = slots;
        public readonly int Count = count;
    }

    private Rows _rows = new(new float[Dimension * 64], new float[64], new int[64], 0);
    private readonly Dictionary<int, int> _rowOfSlot = new();
    private int _removed;

    /// <summary>Live rows.</summary>
    public int Count => _rowOfSlot.Count;

    /// <summary>Adds a slot's pure average (<see cref="Dimension"/> floats). Writer only.</summary>
    public void Add(int slot, ReadOnlySpan<float> pureAverage)
    {
        if (pureAverage.Length != Dimension) throw new ArgumentException($"a TMK pure average has {Dimension} floats", nameof(pureAverage));
        var rows = _rows;
        if (rows.Count == rows.Slots.Length) rows = Copy(rows, Math.Max(64, _rowOfSlot.Count * 2));
        int row = rows.Count;
        pureAverage.CopyTo(rows.Vectors.AsSpan(row * Dimension, Dimension));
        float norm = MathF.Sqrt(Dot(pureAverage, pureAverage));
        rows.InverseNorms[row] = norm > 0 ? 1 / norm : 0;
        rows.Slots[row] = slot;
        _rowOfSlot[slot] = row;
        // Rows past a snapshot's count are invisible to its readers, so writing them first is safe.
        Volatile.Write(ref _rows, new Rows(rows.Vectors, rows.InverseNorms, rows.Slots, row + 1));
    }

    /// <summary>Removes a slot's row. Writer only.</summary>
    public void Remove(int slot)
    {
        if (!_rowOfSlot.Remove(slot, out int row)) return;
        var rows = _rows;
        Volatile.Write(ref rows.Slots[row], -1);
        // Dead rows still cost scan time: compact once they are a quarter of the array.
        if (++_removed > 64 && _removed * 4 > rows.Count) Volatile.Write(ref _rows, Copy(rows, Math.Max(64, _rowOfSlot.Count * 2)));
    }

    /// <summary>A copy of the live rows into arrays of <paramref name="capacity"/> rows (not yet published).</summary>
    private Rows Copy(Rows from, int capacity)
    {
        var vectors = new float[(long)capacity * Dimension];
        var inverse = new float[capacity];
        var slots = new int[capacity];
        int n = 0;
        for (int r = 0; r < from.Count; r++)
        {
            int slot = from.Slots[r];
            if (slot < 0) continue;
            from.Vectors.AsSpan(r * Dimension, Dimension).CopyTo(vectors.AsSpan(n * Dimension, Dimension));
            inverse[n] = from.InverseNorms[r];
            slots[n] = slot;
            _rowOfSlot[slot] = n;
            n++;
        }
        _removed = 0;
        return new Rows(vectors, inverse, slots, n);
    }

    /// <summary>
    /// Appends (slot, level-1 score) for every live row whose cosine with <paramref name="query"/>
    /// is at least <paramref name="threshold"/>, in row order. No allocation.
    /// </summary>
    public void Search(ReadOnlySpan<float> query, float threshold, List<(int Slot, float Level1)> results)
    {
        if (query.Length != Dimension) return;
        var rows = Volatile.Read(ref _rows);
        float queryNorm = MathF.Sqrt(Dot(query, query));
        if (queryNorm == 0) return; // the reference's cosine of a zero vector is not a number: nothing matches
        float cut = (threshold - CandidateMargin) * queryNorm;
        ref float vectors = ref MemoryMarshal.GetArrayDataReference(rows.Vectors);
        for (int r = 0; r < rows.Count; r++)
        {
            // cos >= t - margin  <=>  dot * (1 / |row|) >= (t - margin) * |query|
            float dot = Dot(query, MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref vectors, r * Dimension), Dimension));
            if (dot * rows.InverseNorms[r] < cut) continue;
            int slot = Volatile.Read(ref rows.Slots[r]);
            if (slot < 0) continue;
            float level1 = TmkScorer.Level1(query, rows.Vectors.AsSpan(r * Dimension, Dimension));
            if (level1 >= threshold) results.Add((slot, level1));
        }
    }

    /// <summary>A SIMD dot product of two <see cref="Dimension"/>-float vectors (order of sums differs from the reference).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float x = ref MemoryMarshal.GetReference(a);
        ref float y = ref MemoryMarshal.GetReference(b);
        int n = Math.Min(a.Length, b.Length), i = 0;
        float sum;
        if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                s0 += Vector256.LoadUnsafe(ref x, (nuint)i) * Vector256.LoadUnsafe(ref y, (nuint)i);
                s1 += Vector256.LoadUnsafe(ref x, (nuint)(i + 8)) * Vector256.LoadUnsafe(ref y, (nuint)(i + 8));
            }
            sum = Vector256.Sum(s0 + s1);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 8)
        {
            Vector128<float> s0 = Vector128<float>.Zero, s1 = Vector128<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                s0 += Vector128.LoadUnsafe(ref x, (nuint)i) * Vector128.LoadUnsafe(ref y, (nuint)i);
                s1 += Vector128.LoadUnsafe(ref x, (nuint)(i + 4)) * Vector128.LoadUnsafe(ref y, (nuint)(i + 4));
            }
            sum = Vector128.Sum(s0 + s1);
        }
        else sum = 0;
        for (; i < n; i++) sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        return sum;
    }
}
