namespace Safeguard.Hashing.Tmk;

/// <summary>
/// A video's TMK+PDQF hash, as Meta's <c>.tmk</c> file holds it: the pure-average frame feature
/// (level 1) and, per period and Fourier coefficient, the normalised cosine and sine features
/// (level 2). Cosine and sine are flat arrays indexed [period][coefficient][dimension].
/// </summary>
public sealed class TmkFeatures
{
    public TmkFeatures(string algorithm, int framesPerSecond, int frameFeatureCount, int[] periods, float[] fourierCoefficients,
        float[] pureAverage, float[] cos, float[] sin)
    {
        int expected = periods.Length * fourierCoefficients.Length * pureAverage.Length;
        if (cos.Length != expected || sin.Length != expected)
            throw new ArgumentException($"cosine/sine features need {expected} floats");
        Algorithm = algorithm;
        FramesPerSecond = framesPerSecond;
        FrameFeatureCount = frameFeatureCount;
        Periods = periods;
        FourierCoefficients = fourierCoefficients;
        PureAverage = pureAverage;
        Cos = cos;
        Sin = sin;
        PairScoreNormalizer = NormalizerOf(fourierCoefficients);
    }

    /// <summary>The frame-feature algorithm's four-letter magic: <c>PDQF</c>.</summary>
    public string Algorithm { get; }
    public int FramesPerSecond { get; }
    /// <summary>Frames hashed (after resampling to <see cref="FramesPerSecond"/>); informational.</summary>
    public int FrameFeatureCount { get; }
    public int[] Periods { get; }
    public float[] FourierCoefficients { get; }
    public int Dimension => PureAverage.Length;
    public float[] PureAverage { get; }
    public float[] Cos { get; }
    public float[] Sin { get; }

    /// <summary>Makes a video's level-2 score against itself 1: c0 + 2 (c1 + ... + cm-1).</summary>
    public float PairScoreNormalizer { get; }

    /// <summary>The cosine (or sine) feature of one period and coefficient.</summary>
    public ReadOnlySpan<float> CosOf(int period, int coefficient) => Cos.AsSpan((period * FourierCoefficients.Length + coefficient) * Dimension, Dimension);
    public ReadOnlySpan<float> SinOf(int period, int coefficient) => Sin.AsSpan((period * FourierCoefficients.Length + coefficient) * Dimension, Dimension);

    /// <summary>
    /// Null when the two were made the same way (algorithm, frame rate, periods, coefficients,
    /// dimension) and so can be scored; else what differs.
    /// </summary>
    public static string? Incompatibility(TmkFeatures a, TmkFeatures b)
    {
        if (a.Algorithm != b.Algorithm) return $"frame algorithm {a.Algorithm} != {b.Algorithm}";
        if (a.FramesPerSecond != b.FramesPerSecond) return $"frame rate {a.FramesPerSecond} != {b.FramesPerSecond}";
        if (!a.Periods.AsSpan().SequenceEqual(b.Periods)) return "periods differ";
        if (a.FourierCoefficients.Length != b.FourierCoefficients.Length) return "Fourier coefficient counts differ";
        for (int i = 0; i < a.FourierCoefficients.Length; i++)
        {
            float ca = a.FourierCoefficients[i], cb = b.FourierCoefficients[i];
            float m = MathF.Max(MathF.Abs(ca), MathF.Abs(cb));
            if (m > 0 && MathF.Abs((ca - cb) / m) > 1e-6f) return $"Fourier coefficient {i} differs";
        }
        if (a.Dimension != b.Dimension) return $"frame-feature dimension {a.Dimension} != {b.Dimension}";
        return null;
    }

    private static float NormalizerOf(float[] coefficients)
    {
        if (coefficients.Length == 0) return 1f;
        float n = coefficients[0];
        for (int j = 1; j < coefficients.Length; j++) n += 2f * coefficients[j];
        return n;
    }
}
