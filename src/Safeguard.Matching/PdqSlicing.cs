using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// How the 256 hash bits are cut into the slices of the multi-index: 11 contiguous slices,
/// three of 24 bits then eight of 23 bits. Eleven slices keep radius 31 cheap at 10 million
/// hashes: two flips per slice suffice (pigeonhole), and ~23-bit slices leave about one
/// random entry per exact slice value.
/// </summary>
internal static class PdqSlicing
{
    public const int SliceCount = 11;

    public static readonly int[] Widths = [24, 24, 24, 23, 23, 23, 23, 23, 23, 23, 23];
    public static readonly int[] Offsets = BuildOffsets();
    public static readonly int MaxWidth = 24;
    public static readonly int MinWidth = 23;

    private static int[] BuildOffsets()
    {
        var offsets = new int[SliceCount];
        for (int s = 1; s < SliceCount; s++) offsets[s] = offsets[s - 1] + Widths[s - 1];
        return offsets;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Extract(in Hash256 hash, int slice)
    {
        int offset = Offsets[slice], width = Widths[slice];
        var words = MemoryMarshal.CreateReadOnlySpan(in hash.W0, 4);
        int word = offset >> 6, shift = offset & 63;
        ulong bits = words[word] >> shift;
        if (shift + width > 64) bits |= words[word + 1] << (64 - shift);
        return (uint)(bits & ((1UL << width) - 1));
    }

    /// <summary>All slice values of one hash (the query side computes these once per search).</summary>
    public static void ExtractAll(in Hash256 hash, Span<uint> slices)
    {
        for (int s = 0; s < SliceCount; s++) slices[s] = Extract(hash, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SliceDistance(in Hash256 hash, int slice, uint querySlice) =>
        BitOperations.PopCount(Extract(hash, slice) ^ querySlice);
}
