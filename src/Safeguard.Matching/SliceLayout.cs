using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// How a segment cuts the 256 hash bits into the contiguous, disjoint slices of its multi-index.
/// <para>
/// Below <see cref="NineSliceMinimum"/> entries: eleven slices (three of 24 bits, eight of 23).
/// Radius 31 then needs two flips per slice (pigeonhole), and ~23-bit slices leave about one
/// random entry per exact slice value at 10 million hashes.
/// </para>
/// <para>
/// Larger segments: nine slices (four of 29 bits, five of 28). At 100M entries eleven slices'
/// buckets take the whole slice, so every entry of a probed bucket is a candidate whose full hash
/// is a random read (about 33,000 per radius-31 query). Nine wider slices keep 4–5 slice bits in
/// each posting beside the 27-bit position, so bucket scans reject most entries: a query probes
/// about 13,000 buckets but verifies about 5,000 candidates, and the tables are smaller.
/// </para>
/// </summary>
internal sealed class SliceLayout
{
    public static readonly SliceLayout Eleven = new([24, 24, 24, 23, 23, 23, 23, 23, 23, 23, 23]);
    public static readonly SliceLayout Nine = new([29, 29, 29, 29, 28, 28, 28, 28, 28]);

    /// <summary>The most slices any layout has (stack buffers for a query's slice values).</summary>
    public const int MaxSlices = 11;

    /// <summary>Segments of at least this many entries use <see cref="Nine"/>.</summary>
    public const int NineSliceMinimum = 32 << 20;

    public static SliceLayout For(int count) => count >= NineSliceMinimum ? Nine : Eleven;

    /// <summary>The layout with this many slices, or null (a snapshot names its layout by its slice count).</summary>
    public static SliceLayout? WithSlices(int slices) => slices switch
    {
        11 => Eleven,
        9 => Nine,
        _ => null,
    };

    public readonly int Count;
    public readonly int[] Widths;
    public readonly int[] Offsets;
    public readonly int MaxWidth;
    public readonly int MinWidth;

    private SliceLayout(int[] widths)
    {
        if (widths.Sum() != Hash256.Bits || widths.Length > MaxSlices) throw new ArgumentException("slices must cover the 256 bits", nameof(widths));
        Count = widths.Length;
        Widths = widths;
        Offsets = new int[Count];
        for (int s = 1; s < Count; s++) Offsets[s] = Offsets[s - 1] + widths[s - 1];
        MaxWidth = widths.Max();
        MinWidth = widths.Min();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Extract(in Hash256 hash, int slice)
    {
        int offset = Offsets[slice], width = Widths[slice];
        var words = MemoryMarshal.CreateReadOnlySpan(in hash.W0, 4);
        int word = offset >> 6, shift = offset & 63;
        ulong bits = words[word] >> shift;
        if (shift + width > 64) bits |= words[word + 1] << (64 - shift);
        return (uint)(bits & ((1UL << width) - 1));
    }

    /// <summary>All slice values of one hash (the query side computes these once per segment search).</summary>
    public void ExtractAll(in Hash256 hash, Span<uint> slices)
    {
        for (int s = 0; s < Count; s++) slices[s] = Extract(hash, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SliceDistance(in Hash256 hash, int slice, uint querySlice) =>
        BitOperations.PopCount(Extract(hash, slice) ^ querySlice);
}
