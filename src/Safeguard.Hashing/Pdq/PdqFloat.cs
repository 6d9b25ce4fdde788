namespace Safeguard.Hashing.Pdq;

/// <summary>
/// PDQF: the 256 float DCT coefficients PDQ binarises, of a 64x64 RGB frame (TMK's frame
/// feature). At 64x64 the reference skips the blur and decimation, so this is the float luma
/// (0.299 R + 0.587 G + 0.114 B, left to right, no fused multiply-add) through the reference DCT.
/// </summary>
public static unsafe class PdqFloat
{
    public const int Side = 64;
    public const int Dimension = 256;
    public const int FrameBytes = Side * Side * 3;

    /// <summary>
    /// Writes the 16x16 coefficients (row-major) of <paramref name="rgb24"/>, 64x64 packed RGB,
    /// into <paramref name="feature"/>. <paramref name="scratch"/> needs <see cref="ScratchFloats"/>.
    /// </summary>
    public static void FromRgb24(ReadOnlySpan<byte> rgb24, Span<float> feature, Span<float> scratch)
    {
        if (rgb24.Length < FrameBytes) throw new ArgumentException($"needs {FrameBytes} bytes", nameof(rgb24));
        if (feature.Length < Dimension) throw new ArgumentException($"needs {Dimension} floats", nameof(feature));
        if (scratch.Length < ScratchFloats) throw new ArgumentException($"needs {ScratchFloats} floats", nameof(scratch));
        float rk = LumaSampler.Rk, gk = LumaSampler.Gk, bk = LumaSampler.Bk;
        fixed (byte* src = rgb24)
        fixed (float* s = scratch)
        fixed (float* f = feature)
        {
            float* luma = s;
            float* t16x64 = s + Side * Side;
            for (int p = 0, o = 0; p < Side * Side; p++, o += 3)
                luma[p] = rk * src[o] + gk * src[o + 1] + bk * src[o + 2];
            Dct16.Run(luma, t16x64, f);
        }
    }

    /// <summary>Scratch floats <see cref="FromRgb24"/> needs: the 64x64 luma and the 16x64 product.</summary>
    public const int ScratchFloats = Side * Side + 16 * Side;
}
