namespace Safeguard.Benchmarks;

/// <summary>
/// A deliberately plain PDQ (strided scalar box filters, scalar DCT, a sort for the median),
/// as in tests/Safeguard.Hashing.Tests/NaivePdq.cs: the baseline the optimised hasher is timed against.
/// </summary>
public static class ReferencePdq
{
    public static readonly float[] DctMatrix = BuildDctMatrix();

    public static string HashLuma(float[] luma, int rows, int cols)
    {
        var a = (float[])luma.Clone();
        var b = new float[a.Length];
        var block = new float[64 * 64];
        int winRows = (cols + 127) / 128, winCols = (rows + 127) / 128;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < rows; i++) Box(a, i * cols, 1, b, cols, winRows);
            for (int j = 0; j < cols; j++) Box(b, j, cols, a, rows, winCols);
        }
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++)
                block[i * 64 + j] = a[(int)((i + 0.5) * rows / 64) * cols + (int)((j + 0.5) * cols / 64)];

        var dct = new float[256];
        Dct(block, new float[16 * 64], dct);
        var sorted = (float[])dct.Clone();
        Array.Sort(sorted);
        float median = sorted[127];
        var words = new ushort[16];
        for (int k = 0; k < 256; k++)
            if (dct[k] > median) words[k >> 4] |= (ushort)(1 << (k & 15));
        return string.Concat(Enumerable.Range(0, 16).Reverse().Select(w => words[w].ToString("x4")));
    }

    /// <summary>B = D A D^T for a 64x64 A, scalar, summing over k left to right.</summary>
    public static void Dct(float[] block, float[] t, float[] dct)
    {
        var d = DctMatrix;
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 64; j++)
            {
                float s = 0;
                for (int k = 0; k < 64; k++) s += d[i * 64 + k] * block[k * 64 + j];
                t[i * 64 + j] = s;
            }
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
            {
                float s = 0;
                for (int k = 0; k < 64; k++) s += t[i * 64 + k] * d[j * 64 + k];
                dct[i * 16 + j] = s;
            }
    }

    /// <summary>One box-filter pass along a strided vector, in the reference's four phases.</summary>
    public static void Box(float[] input, int start, int stride, float[] output, int length, int window)
    {
        int half = (window + 2) / 2;
        float sum = 0;
        int count = 0, li = start, ri = start, oi = start;
        for (int i = 0; i < half - 1; i++) { sum += input[ri]; count++; ri += stride; }
        for (int i = 0; i < window - half + 1; i++) { sum += input[ri]; count++; output[oi] = sum / count; ri += stride; oi += stride; }
        for (int i = 0; i < length - window; i++) { sum += input[ri]; sum -= input[li]; output[oi] = sum / count; li += stride; ri += stride; oi += stride; }
        for (int i = 0; i < half - 1; i++) { sum -= input[li]; count--; output[oi] = sum / count; li += stride; oi += stride; }
    }

    private static float[] BuildDctMatrix()
    {
        var d = new float[16 * 64];
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 64; j++)
                d[i * 64 + j] = (float)(Math.Sqrt(2.0 / 64) * Math.Cos(Math.PI / 128 * (i + 1) * (2 * j + 1)));
        return d;
    }
}
