namespace Safeguard.Hashing.Tests;

/// <summary>
/// A second, deliberately plain PDQ implementation, written straight from the published
/// description (strided 1-D box filters in place of transposes, scalar loops, a sort for
/// the median), to check the optimised hasher on images the reference set does not cover.
/// </summary>
public static class NaivePdq
{
    public static (string Hash, int Quality) HashLuma(float[] luma, int rows, int cols)
    {
        if (rows < 5 || cols < 5) return (new string('0', 64), 0);
        var a = (float[])luma.Clone();
        var b = new float[a.Length];
        var block = new float[64 * 64];
        if (rows == 64 && cols == 64)
        {
            Array.Copy(a, block, block.Length);
        }
        else
        {
            int winRows = (cols + 127) / 128, winCols = (rows + 127) / 128;
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < rows; i++) Box(a, i * cols, 1, b, cols, winRows);
                for (int j = 0; j < cols; j++) Box(b, j, cols, a, rows, winCols);
            }
            for (int i = 0; i < 64; i++)
                for (int j = 0; j < 64; j++)
                    block[i * 64 + j] = a[(int)((i + 0.5) * rows / 64) * cols + (int)((j + 0.5) * cols / 64)];
        }

        int gradient = 0;
        for (int i = 0; i < 63; i++)
            for (int j = 0; j < 64; j++)
                gradient += Math.Abs((int)((block[i * 64 + j] - block[(i + 1) * 64 + j]) * 100 / 255));
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 63; j++)
                gradient += Math.Abs((int)((block[i * 64 + j] - block[i * 64 + j + 1]) * 100 / 255));
        int quality = Math.Min(gradient / 90, 100);

        var d = new float[16 * 64];
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 64; j++)
                d[i * 64 + j] = (float)(Math.Sqrt(2.0 / 64) * Math.Cos(Math.PI / 128 * (i + 1) * (2 * j + 1)));
        var t = new float[16 * 64];
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 64; j++)
            {
                float s = 0;
                for (int k = 0; k < 64; k++) s += d[i * 64 + k] * block[k * 64 + j];
                t[i * 64 + j] = s;
            }
        var dct = new float[256];
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
            {
                float s = 0;
                for (int k = 0; k < 64; k++) s += t[i * 64 + k] * d[j * 64 + k];
                dct[i * 16 + j] = s;
            }

        // Torben's median of 256 values is the lower middle value (the 128th smallest).
        var sorted = (float[])dct.Clone();
        Array.Sort(sorted);
        float median = sorted[127];
        var words = new ushort[16];
        for (int k = 0; k < 256; k++)
            if (dct[k] > median) words[k >> 4] |= (ushort)(1 << (k & 15));
        return (string.Concat(Enumerable.Range(0, 16).Reverse().Select(w => words[w].ToString("x4"))), quality);
    }

    /// <summary>One box-filter pass along a vector, exactly as the reference describes its four phases.</summary>
    private static void Box(float[] input, int start, int stride, float[] output, int length, int window)
    {
        int half = (window + 2) / 2;
        float sum = 0;
        int count = 0, li = start, ri = start, oi = start;
        for (int i = 0; i < half - 1; i++) { sum += input[ri]; count++; ri += stride; }
        for (int i = 0; i < window - half + 1; i++) { sum += input[ri]; count++; output[oi] = sum / count; ri += stride; oi += stride; }
        for (int i = 0; i < length - window; i++) { sum += input[ri]; sum -= input[li]; output[oi] = sum / count; li += stride; ri += stride; oi += stride; }
        for (int i = 0; i < half - 1; i++) { sum -= input[li]; count--; output[oi] = sum / count; li += stride; oi += stride; }
    }

    /// <summary>The reference's luminance, with its float constants taken from double literals.</summary>
    public static float Luma(byte r, byte g, byte b) => (float)0.299 * r + (float)0.587 * g + (float)0.114 * b;
}
