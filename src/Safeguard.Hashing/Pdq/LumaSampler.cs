using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Imaging.Jpeg;

namespace Safeguard.Hashing.Pdq;

/// <summary>
/// Nearest-neighbour resize and float luminance in one pass. Grey sources give their grey
/// value; colour sources give 0.299 R + 0.587 G + 0.114 B evaluated in float, left to right,
/// as the reference does (no fused multiply-add, which would change the low bits).
/// </summary>
internal static unsafe class LumaSampler
{
    // The reference declares float constants initialised from double literals.
    internal static readonly float Rk = (float)0.299d;
    internal static readonly float Gk = (float)0.587d;
    internal static readonly float Bk = (float)0.114d;

    public static void Fill(in PixelView image, int rows, int cols, float* dst, ReadOnlySpan<int> colOffsets)
    {
        int srcH = image.Height;
        fixed (byte* basePtr = image.Data)
        fixed (int* offsets = colOffsets)
        {
            for (int y = 0; y < rows; y++)
            {
                int sy = rows == srcH ? y : (int)((long)y * srcH / rows);
                byte* row = basePtr + (nint)sy * image.RowBytes;
                float* outRow = dst + (nint)y * cols;
                switch (image.Layout)
                {
                    case PixelLayout.Gray8: GreyRow(row, offsets, outRow, cols); break;
                    case PixelLayout.Rgba8888: ColourRow(row, offsets, outRow, cols, 0, 16); break;
                    case PixelLayout.InvertedCmyk8888: CmykRow(row, offsets, outRow, cols); break;
                    default: ColourRow(row, offsets, outRow, cols, 16, 0); break;
                }
            }
        }
    }

    private static void GreyRow(byte* row, int* offsets, float* outRow, int cols)
    {
        for (int x = 0; x < cols; x++) outRow[x] = row[offsets[x]];
    }

    /// <summary>RGB from inverted CMYK at the sampled pixels only, then the same float luminance.</summary>
    private static void CmykRow(byte* row, int* offsets, float* outRow, int cols)
    {
        for (int x = 0; x < cols; x++)
        {
            byte* p = row + 4 * offsets[x];
            int k = p[3];
            outRow[x] = Rk * Cmyk.Channel(p[0], k) + Gk * Cmyk.Channel(p[1], k) + Bk * Cmyk.Channel(p[2], k);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColourRow(byte* row, int* offsets, float* outRow, int cols, int redShift, int blueShift)
    {
        int x = 0;
        if (Avx2.IsSupported)
        {
            var rk = Vector256.Create(Rk);
            var gk = Vector256.Create(Gk);
            var bk = Vector256.Create(Bk);
            var mask = Vector256.Create(0xFF);
            for (; x + 8 <= cols; x += 8)
            {
                var idx = Avx.LoadVector256(offsets + x);
                var px = Avx2.GatherVector256((int*)row, idx, 4);
                var r = Avx.ConvertToVector256Single(Avx2.And(Avx2.ShiftRightLogicalVariable(px, Vector256.Create((uint)redShift)), mask));
                var g = Avx.ConvertToVector256Single(Avx2.And(Avx2.ShiftRightLogical(px, 8), mask));
                var b = Avx.ConvertToVector256Single(Avx2.And(Avx2.ShiftRightLogicalVariable(px, Vector256.Create((uint)blueShift)), mask));
                var luma = Avx.Add(Avx.Add(Avx.Multiply(rk, r), Avx.Multiply(gk, g)), Avx.Multiply(bk, b));
                Avx.Store(outRow + x, luma);
            }
        }
        int ri = redShift >> 3, bi = blueShift >> 3;
        for (; x < cols; x++)
        {
            byte* p = row + 4 * offsets[x];
            outRow[x] = Rk * p[ri] + Gk * p[1] + Bk * p[bi];
        }
    }
}
