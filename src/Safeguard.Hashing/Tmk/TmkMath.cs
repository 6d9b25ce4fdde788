namespace Safeguard.Hashing.Tmk;

/// <summary>The reference's vector arithmetic where its order decides the low bits: float sums left to right.</summary>
internal static class TmkMath
{
    public static float Dot(ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        float sum = 0;
        for (int i = 0; i < u.Length; i++) sum += u[i] * v[i];
        return sum;
    }

    public static float Norm(ReadOnlySpan<float> u) => MathF.Sqrt(Dot(u, u));

    /// <summary>Cosine similarity; 0 when both are zero vectors.</summary>
    public static float CosineSimilarity(ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        float nu = Norm(u), nv = Norm(v);
        if (nu == 0 && nv == 0) return 0;
        return Dot(u, v) / (nu * nv);
    }
}
