using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Safeguard.Hashing.Pdq;

/// <summary>Matrix transpose in 8x8 register blocks: lets every blur pass run down columns.</summary>
internal static unsafe class Transpose
{
    /// <summary>dst (cols x rows) = transpose of src (rows x cols), both row-major.</summary>
    public static void Run(float* src, float* dst, int rows, int cols)
    {
        int i = 0;
        if (Avx.IsSupported)
        {
            for (; i + 8 <= rows; i += 8)
            {
                int j = 0;
                for (; j + 8 <= cols; j += 8)
                    Block8x8(src + (nint)i * cols + j, cols, dst + (nint)j * rows + i, rows);
                for (; j < cols; j++)
                    for (int k = 0; k < 8; k++)
                        dst[(nint)j * rows + i + k] = src[(nint)(i + k) * cols + j];
            }
        }
        for (; i < rows; i++)
            for (int j = 0; j < cols; j++)
                dst[(nint)j * rows + i] = src[(nint)i * cols + j];
    }

    private static void Block8x8(float* s, int sStride, float* d, int dStride)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + sStride);
        var r2 = Avx.LoadVector256(s + 2 * sStride);
        var r3 = Avx.LoadVector256(s + 3 * sStride);
        var r4 = Avx.LoadVector256(s + 4 * sStride);
        var r5 = Avx.LoadVector256(s + 5 * sStride);
        var r6 = Avx.LoadVector256(s + 6 * sStride);
        var r7 = Avx.LoadVector256(s + 7 * sStride);

        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + dStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * dStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * dStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * dStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * dStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * dStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * dStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
