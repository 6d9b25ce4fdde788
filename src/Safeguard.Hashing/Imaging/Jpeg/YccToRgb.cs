using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Safeguard.Hashing.Imaging.Jpeg;

/// <summary>
/// libjpeg-turbo's decompression back end, per pixel: "fancy" chroma upsampling (triangle
/// filter: 3/4 nearer sample, 1/4 further, libjpeg's rounding biases, edge samples repeated)
/// and the integer YCbCr-to-RGB conversion with its fixed-point tables. Computing it only at
/// the pixels a nearest-neighbour resize reads gives the same bytes as a full decode at a
/// tenth of the colour work.
/// </summary>
internal static unsafe class YccToRgb
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);
    private static readonly int CrToR = Fix(1.40200);
    private static readonly int CbToB = Fix(1.77200);
    private static readonly int CrToG = -Fix(0.71414);
    private static readonly int CbToG = -Fix(0.34414);

    private static int Fix(double x) => (int)(x * (1L << ScaleBits) + 0.5);

    /// <summary>libjpeg's sample weights for one plane layout, see <see cref="ChromaAt"/>.</summary>
    private readonly struct Layout(in YccPlanes p)
    {
        // S(c) = Va * C[r][c] + Vb * C[nr][c];  value = (Ha * S(c) + Hb * S(c') + bias) >> Shift
        public readonly int Va = p.SubY == 2 ? 3 : 1, Vb = p.SubY == 2 ? 1 : 0;
        public readonly int Ha = p.SubX == 2 ? 3 : 1, Hb = p.SubX == 2 ? 1 : 0;
        public readonly int Shift = 2 * (p.SubX - 1) + 2 * (p.SubY - 1);
        // libjpeg only filters when the chroma row has more than two samples; otherwise it
        // replicates, which the same formula gives when the neighbours are the sample itself.
        public readonly bool FancyX = p.SubX == 2 && p.ChromaWidth > 2;
    }

    /// <summary>Chroma rows feeding output row y: the nearest and the next-nearest (above for even rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int R, int Nr, int RowBias) ChromaRows(in YccPlanes p, int y)
    {
        if (p.SubY == 1) return (y, y, 0);
        int r = y >> 1;
        bool upper = (y & 1) == 0;
        int nr = upper ? Math.Max(r - 1, 0) : Math.Min(r + 1, p.ChromaHeight - 1);
        // h1v2 rounds with 1 towards the row above and 2 towards the row below.
        int rowBias = p.SubX == 1 ? (upper ? 1 : 2) : 0;
        return (r, nr, rowBias);
    }

    /// <summary>Chroma column feeding output column x, its neighbour and libjpeg's rounding bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int C, int Cn, int Bias) ChromaColumn(in YccPlanes p, in Layout l, int x)
    {
        if (p.SubX == 1) return (x, x, 0);
        int c = x >> 1;
        bool even = (x & 1) == 0;
        int cn = !l.FancyX ? c : even ? Math.Max(c - 1, 0) : Math.Min(c + 1, p.ChromaWidth - 1);
        int bias = p.SubY == 2 ? (even ? 8 : 7) : (even ? 1 : 2);
        return (c, cn, bias);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ChromaAt(byte* plane, int stride, in Layout l, int r, int nr, int c, int cn, int bias)
    {
        byte* row = plane + (nint)r * stride, nrow = plane + (nint)nr * stride;
        int s = l.Va * row[c] + l.Vb * nrow[c];
        int sn = l.Va * row[cn] + l.Vb * nrow[cn];
        return (l.Ha * s + l.Hb * sn + bias) >> l.Shift;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rgb(int y, int cb, int cr, out int r, out int g, out int b)
    {
        int xb = cb - 128, xr = cr - 128;
        r = Math.Clamp(y + ((CrToR * xr + OneHalf) >> ScaleBits), 0, 255);
        g = Math.Clamp(y + ((CbToG * xb + OneHalf + CrToG * xr) >> ScaleBits), 0, 255);
        b = Math.Clamp(y + ((CbToB * xb + OneHalf) >> ScaleBits), 0, 255);
    }

    /// <summary>One full output row as RGBA (alpha 255).</summary>
    public static void ConvertRow(in YccPlanes p, int y, byte* rgba)
    {
        var l = new Layout(p);
        var (r, nr, rowBias) = ChromaRows(p, y);
        byte* yRow = p.Y + (nint)y * p.YStride;
        for (int x = 0; x < p.Width; x++)
        {
            var (c, cn, bias) = ChromaColumn(p, l, x);
            int cb = ChromaAt(p.Cb, p.CStride, l, r, nr, c, cn, bias + rowBias);
            int cr = ChromaAt(p.Cr, p.CStride, l, r, nr, c, cn, bias + rowBias);
            Rgb(yRow[x], cb, cr, out int R, out int G, out int B);
            byte* o = rgba + 4 * x;
            o[0] = (byte)R; o[1] = (byte)G; o[2] = (byte)B; o[3] = 255;
        }
    }

    /// <summary>True when every decoded pixel has R = G = B (checked row by row until one is not).</summary>
    public static bool IsGrey(in YccPlanes p)
    {
        byte[] row = System.Buffers.ArrayPool<byte>.Shared.Rent(4 * p.Width);
        try
        {
            fixed (byte* rgba = row)
            {
                for (int y = 0; y < p.Height; y++)
                {
                    ConvertRow(p, y, rgba);
                    for (int x = 0; x < p.Width; x++)
                    {
                        byte* px = rgba + 4 * x;
                        if (px[0] != px[1] || px[1] != px[2]) return false;
                    }
                }
            }
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(row);
        }
    }

    /// <summary>
    /// Float luminance of the pixels a nearest-neighbour resize to rows x cols reads, as
    /// <see cref="Pdq.PdqHasher"/> computes it from RGB: 8 pixels at a time with gathers.
    /// </summary>
    public static void SampleLuma(in YccPlanes p, int rows, int cols, float* dst, ReadOnlySpan<int> colOffsets,
        int[] cIdx, int[] cNbr, int[] cBias, float rk, float gk, float bk)
    {
        var l = new Layout(p);
        for (int x = 0; x < cols; x++)
        {
            var (c, cn, bias) = ChromaColumn(p, l, colOffsets[x]);
            cIdx[x] = c; cNbr[x] = cn; cBias[x] = bias;
        }
        fixed (int* offs = colOffsets)
        fixed (int* ci = cIdx)
        fixed (int* cni = cNbr)
        fixed (int* cbi = cBias)
        {
            for (int y = 0; y < rows; y++)
            {
                int sy = rows == p.Height ? y : (int)((long)y * p.Height / rows);
                var (r, nr, rowBias) = ChromaRows(p, sy);
                byte* yRow = p.Y + (nint)sy * p.YStride;
                float* outRow = dst + (nint)y * cols;
                int x = 0;
                if (Avx2.IsSupported)
                    x = SampleRowAvx2(p, l, yRow, r, nr, rowBias, offs, ci, cni, cbi, outRow, cols, rk, gk, bk);
                for (; x < cols; x++)
                {
                    int cb = ChromaAt(p.Cb, p.CStride, l, r, nr, ci[x], cni[x], cbi[x] + rowBias);
                    int cr = ChromaAt(p.Cr, p.CStride, l, r, nr, ci[x], cni[x], cbi[x] + rowBias);
                    Rgb(yRow[offs[x]], cb, cr, out int R, out int G, out int B);
                    outRow[x] = rk * R + gk * G + bk * B;
                }
            }
        }
    }

    private static int SampleRowAvx2(in YccPlanes p, in Layout l, byte* yRow, int r, int nr, int rowBias,
        int* offs, int* ci, int* cni, int* cbi, float* outRow, int cols, float rk, float gk, float bk)
    {
        var mask = Vector256.Create(0xFF);
        var va = Vector256.Create(l.Va); var vb = Vector256.Create(l.Vb);
        var ha = Vector256.Create(l.Ha); var hb = Vector256.Create(l.Hb);
        var shift = Vector128.CreateScalar((long)l.Shift).AsInt32();
        var rowBiasV = Vector256.Create(rowBias);
        var c128 = Vector256.Create(128);
        var crToR = Vector256.Create(CrToR); var cbToB = Vector256.Create(CbToB);
        var crToG = Vector256.Create(CrToG); var cbToG = Vector256.Create(CbToG);
        var half = Vector256.Create(OneHalf);
        var zero = Vector256<int>.Zero; var max = Vector256.Create(255);
        var rkv = Vector256.Create(rk); var gkv = Vector256.Create(gk); var bkv = Vector256.Create(bk);
        byte* cbRow = p.Cb + (nint)r * p.CStride, cbNrow = p.Cb + (nint)nr * p.CStride;
        byte* crRow = p.Cr + (nint)r * p.CStride, crNrow = p.Cr + (nint)nr * p.CStride;

        int x = 0;
        for (; x + 8 <= cols; x += 8)
        {
            var xs = Avx.LoadVector256(offs + x);
            var c = Avx.LoadVector256(ci + x);
            var cn = Avx.LoadVector256(cni + x);
            var bias = Avx2.Add(Avx.LoadVector256(cbi + x), rowBiasV);
            // Gathers read 4 bytes from each byte offset; planes carry slack at the end.
            var yv = Avx2.And(Avx2.GatherVector256((int*)yRow, xs, 1), mask);
            var cb = Chroma(cbRow, cbNrow, c, cn, bias, va, vb, ha, hb, shift, mask);
            var cr = Chroma(crRow, crNrow, c, cn, bias, va, vb, ha, hb, shift, mask);
            var xb = Avx2.Subtract(cb, c128);
            var xr = Avx2.Subtract(cr, c128);
            var red = Avx2.Add(yv, Avx2.ShiftRightArithmetic(Avx2.Add(Avx2.MultiplyLow(crToR, xr), half), 16));
            var green = Avx2.Add(yv, Avx2.ShiftRightArithmetic(Avx2.Add(Avx2.Add(Avx2.MultiplyLow(cbToG, xb), half), Avx2.MultiplyLow(crToG, xr)), 16));
            var blue = Avx2.Add(yv, Avx2.ShiftRightArithmetic(Avx2.Add(Avx2.MultiplyLow(cbToB, xb), half), 16));
            red = Avx2.Min(Avx2.Max(red, zero), max);
            green = Avx2.Min(Avx2.Max(green, zero), max);
            blue = Avx2.Min(Avx2.Max(blue, zero), max);
            var luma = Avx.Add(Avx.Add(
                Avx.Multiply(rkv, Avx.ConvertToVector256Single(red)),
                Avx.Multiply(gkv, Avx.ConvertToVector256Single(green))),
                Avx.Multiply(bkv, Avx.ConvertToVector256Single(blue)));
            Avx.Store(outRow + x, luma);
        }
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Chroma(byte* row, byte* nrow, Vector256<int> c, Vector256<int> cn, Vector256<int> bias,
        Vector256<int> va, Vector256<int> vb, Vector256<int> ha, Vector256<int> hb, Vector128<int> shift, Vector256<int> mask)
    {
        var a = Avx2.And(Avx2.GatherVector256((int*)row, c, 1), mask);
        var b = Avx2.And(Avx2.GatherVector256((int*)nrow, c, 1), mask);
        var an = Avx2.And(Avx2.GatherVector256((int*)row, cn, 1), mask);
        var bn = Avx2.And(Avx2.GatherVector256((int*)nrow, cn, 1), mask);
        var s = Avx2.Add(Avx2.MultiplyLow(va, a), Avx2.MultiplyLow(vb, b));
        var sn = Avx2.Add(Avx2.MultiplyLow(va, an), Avx2.MultiplyLow(vb, bn));
        var sum = Avx2.Add(Avx2.Add(Avx2.MultiplyLow(ha, s), Avx2.MultiplyLow(hb, sn)), bias);
        return Avx2.ShiftRightArithmetic(sum, shift);
    }
}
