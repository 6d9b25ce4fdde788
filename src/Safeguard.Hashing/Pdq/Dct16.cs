using System.Runtime.Intrinsics;

namespace Safeguard.Hashing.Pdq;

/// <summary>
/// The reference's 64x64 -> 16x16 DCT (B = D A D^T, DC row skipped). Each output keeps the
/// reference's left-to-right float summation over k; vectors run across independent outputs.
/// </summary>
internal static unsafe class Dct16
{
    /// <summary>D as 16 rows of 64, in float exactly as the reference rounds it from double.</summary>
    private static readonly float[] D = BuildMatrix();

    /// <summary>D transposed (64 rows of 16), for the second product's vector loads.</summary>
    private static readonly float[] Dt = TransposeOf(D, 16, 64);

    private static float[] BuildMatrix()
    {
        var d = new float[16 * 64];
        double scale = Math.Sqrt(2.0 / 64.0);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 64; j++)
                d[i * 64 + j] = (float)(scale * Math.Cos(Math.PI / 2 / 64.0 * (i + 1) * (2 * j + 1)));
        return d;
    }

    private static float[] TransposeOf(float[] m, int rows, int cols)
    {
        var t = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[j * rows + i] = m[i * cols + j];
        return t;
    }

    /// <param name="a">64x64 input.</param>
    /// <param name="t">16x64 scratch.</param>
    /// <param name="b">16x16 output.</param>
    public static void Run(float* a, float* t, float* b)
    {
        fixed (float* d = D)
        fixed (float* dt = Dt)
        {
            // T[i][j] = sum_k D[i][k] * A[k][j]
            for (int i = 0; i < 16; i++)
            {
                float* drow = d + i * 64;
                for (int j = 0; j < 64; j += 8)
                {
                    var sum = Vector256<float>.Zero;
                    for (int k = 0; k < 64; k++)
                        sum += Vector256.Create(drow[k]) * Vector256.Load(a + k * 64 + j);
                    sum.Store(t + i * 64 + j);
                }
            }
            // B[i][j] = sum_k T[i][k] * D[j][k]
            for (int i = 0; i < 16; i++)
            {
                float* trow = t + i * 64;
                for (int j = 0; j < 16; j += 8)
                {
                    var sum = Vector256<float>.Zero;
                    for (int k = 0; k < 64; k++)
                        sum += Vector256.Create(trow[k]) * Vector256.Load(dt + k * 16 + j);
                    sum.Store(b + i * 16 + j);
                }
            }
        }
    }
}
