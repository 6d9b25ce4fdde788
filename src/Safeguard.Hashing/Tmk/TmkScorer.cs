namespace Safeguard.Hashing.Tmk;

/// <summary>Both TMK scores of a pair, and whether they pass a pair of thresholds.</summary>
public readonly record struct TmkScore(float Level1, float Level2)
{
    public bool Matches(float level1Threshold, float level2Threshold) => Level1 >= level1Threshold && Level2 >= level2Threshold;
}

/// <summary>
/// Meta's two TMK scores. Level 1: the cosine similarity of the pure-average features (-1..1).
/// Level 2: for each period, the time-kernel value at the best time offset (0..T-1), the
/// largest of those over the periods, divided by the pair-score normaliser (1 for a video
/// against itself). Computed as the reference does, in float, with its incremental sine and
/// cosine recurrence over offsets.
/// </summary>
public static class TmkScorer
{
    public static float Level1(TmkFeatures a, TmkFeatures b) => TmkMath.CosineSimilarity(a.PureAverage, b.PureAverage);

    public static float Level1(ReadOnlySpan<float> pureA, ReadOnlySpan<float> pureB) => TmkMath.CosineSimilarity(pureA, pureB);

    /// <summary>Throws <see cref="ArgumentException"/> when the two were made with other parameters.</summary>
    public static float Level2(TmkFeatures a, TmkFeatures b)
    {
        if (TmkFeatures.Incompatibility(a, b) is { } why) throw new ArgumentException($"TMK features cannot be compared: {why}");
        int periods = a.Periods.Length, coefficients = a.FourierCoefficients.Length;
        if (periods == 0 || coefficients == 0) return 0;
        Span<float> cc = stackalloc float[coefficients], ss = stackalloc float[coefficients];
        Span<float> sc = stackalloc float[coefficients], cs = stackalloc float[coefficients];
        float best = float.NegativeInfinity;
        for (int i = 0; i < periods; i++)
        {
            for (int j = 0; j < coefficients; j++)
            {
                cc[j] = TmkMath.Dot(a.CosOf(i, j), b.CosOf(i, j));
                ss[j] = TmkMath.Dot(a.SinOf(i, j), b.SinOf(i, j));
                sc[j] = TmkMath.Dot(a.SinOf(i, j), b.CosOf(i, j));
                cs[j] = TmkMath.Dot(a.CosOf(i, j), b.SinOf(i, j));
            }
            float atBest = BestOverOffsets(a.Periods[i], cc, ss, sc, cs);
            if (i == 0 || atBest > best) best = atBest;
        }
        return best / a.PairScoreNormalizer;
    }

    public static TmkScore Score(TmkFeatures a, TmkFeatures b) => new(Level1(a, b), Level2(a, b));

    /// <summary>The largest kernel value over every offset of one period.</summary>
    private static float BestOverOffsets(int period, ReadOnlySpan<float> cc, ReadOnlySpan<float> ss, ReadOnlySpan<float> sc, ReadOnlySpan<float> cs)
    {
        int m = cc.Length;
        Span<float> even = stackalloc float[m], odd = stackalloc float[m];
        for (int j = 1; j < m; j++)
        {
            even[j] = cc[j] + ss[j];
            odd[j] = sc[j] - cs[j];
        }
        float max = 0;
        for (int offset = 0; offset < period; offset++)
        {
            float delta = (float)(2.0 * Math.PI * (float)offset / (float)period);
            float k = cc[0];
            float cosJd = 1, sinJd = 0;
            // The reference calls the double sin on float arguments.
            float beta = (float)Math.Sin(delta);
            float alpha = (float)Math.Sin(delta / 2);
            alpha = 2 * alpha * alpha;
            for (int j = 1; j < m; j++)
            {
                float nCos = alpha * cosJd + beta * sinJd;
                float nSin = alpha * sinJd - beta * cosJd;
                cosJd -= nCos;
                sinJd -= nSin;
                k += cosJd * even[j];
                k += sinJd * odd[j];
            }
            if (offset == 0 || k > max) max = k;
        }
        return max;
    }
}
