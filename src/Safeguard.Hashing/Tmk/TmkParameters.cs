namespace Safeguard.Hashing.Tmk;

/// <summary>
/// TMK+PDQF as Meta's hasher makes it: frames resampled to 15 fps and scaled to 64x64 RGB, the
/// PDQF frame feature, Poullot's four periods and 32 Fourier coefficients (tabulated there from
/// the modified Bessel functions with beta 32).
/// </summary>
public static class TmkParameters
{
    public const string PdqfAlgorithm = "PDQF";
    public const int FramesPerSecond = 15;
    public const int FrameSide = 64;
    public const int Dimension = 256;

    /// <summary>The period lengths in frames.</summary>
    public static int[] PoullotPeriods() => [2731, 4391, 9767, 14653];

    /// <summary>The Fourier coefficients, as the reference tabulates them in float.</summary>
    public static float[] PoullotCoefficients() => Array.ConvertAll(PoullotCoefficientsAsWritten, c => (float)c);

    // Double literals narrowed to float, as the reference's initialiser list does.
    private static readonly double[] PoullotCoefficientsAsWritten =
    [
        0.0708041893112, 0.13937789309, 0.132897260304, 0.122765735552, 0.109878684888, 0.09529606433,
        0.0800986647852, 0.0652590650356, 0.0515478238322, 0.0394851531195, 0.0293374252025, 0.0211492623679,
        0.0147973073245, 0.0100512818746, 0.0066306408014, 0.00424947117334, 0.0026467615764, 0.00160270959695,
        0.000943882629639, 0.000540841638603, 0.000301633183798, 0.000163800158855, 8.66454753015e-05, 4.46626303151e-05,
        2.24429442235e-05, 1.09982139799e-05, 5.25823487999e-06, 2.45358229988e-06, 1.11781474895e-06, 4.97406489221e-07,
        2.16265487234e-07, 9.19087006565e-08,
    ];

    /// <summary>Meta's suggested thresholds: level 1 (pure-average cosine) and level 2 (time kernel).</summary>
    public const float DefaultLevel1Threshold = 0.7f;
    public const float DefaultLevel2Threshold = 0.7f;
}
