using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Safeguard.Hashing.Tmk;

/// <summary>
/// Builds a video's TMK features one frame feature at a time, in constant memory. Arithmetic
/// follows Meta's reference: the pure average sums raw features in float; each frame's
/// L2-normalised feature is weighted by cos and sin of 2 pi j t / T computed in double, each
/// product added in double and rounded to the float accumulator (the order of the reference's
/// <c>float += float * double</c>), four lanes at a time.
/// </summary>
public sealed class TmkAccumulator
{
    private readonly int[] _periods;
    private readonly float[] _coefficients;
    private readonly int _dim;
    private readonly float[] _pure;
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly float[] _normalized;
    private readonly int _fps;
    private int _count;
    private bool _finished;

    public TmkAccumulator() : this(TmkParameters.FramesPerSecond, TmkParameters.PoullotPeriods(), TmkParameters.PoullotCoefficients(), TmkParameters.Dimension) { }

    public TmkAccumulator(int framesPerSecond, int[] periods, float[] coefficients, int dimension)
    {
        if (dimension % 8 != 0) throw new ArgumentException("dimension must be a multiple of 8", nameof(dimension));
        _fps = framesPerSecond;
        _periods = periods;
        _coefficients = coefficients;
        _dim = dimension;
        _pure = new float[dimension];
        _cos = new float[periods.Length * coefficients.Length * dimension];
        _sin = new float[_cos.Length];
        _normalized = new float[dimension];
    }

    public int FrameCount => _count;

    /// <summary>Adds the next frame's feature (frame number = frames added so far).</summary>
    public void Add(ReadOnlySpan<float> feature)
    {
        if (_finished) throw new InvalidOperationException("features already finished");
        if (feature.Length != _dim) throw new ArgumentException($"frame feature has {feature.Length} values, expected {_dim}", nameof(feature));
        for (int k = 0; k < _dim; k++) _pure[k] += feature[k];
        feature.CopyTo(_normalized);
        NormalizeInPlace(_normalized);
        int t = _count;
        int c = _coefficients.Length;
        for (int i = 0; i < _periods.Length; i++)
        {
            int T = _periods[i];
            var cos0 = _cos.AsSpan((i * c) * _dim, _dim);
            for (int k = 0; k < _dim; k++) cos0[k] += _normalized[k];
            for (int j = 1; j < c; j++)
            {
                double arg = 2.0 * Math.PI * j * t / T;
                int at = (i * c + j) * _dim;
                AddScaled(_cos.AsSpan(at, _dim), _normalized, Math.Cos(arg));
                AddScaled(_sin.AsSpan(at, _dim), _normalized, Math.Sin(arg));
            }
        }
        _count++;
    }

    /// <summary>The finished features: the average divided out, each cosine/sine feature L2-normalised and scaled by the square root of its coefficient.</summary>
    public TmkFeatures Finish()
    {
        if (_finished) throw new InvalidOperationException("features already finished");
        _finished = true;
        if (_count > 0)
        {
            float n = _count;
            for (int k = 0; k < _dim; k++) _pure[k] /= n;
            for (int i = 0; i < _periods.Length; i++)
                for (int j = 0; j < _coefficients.Length; j++)
                {
                    int at = (i * _coefficients.Length + j) * _dim;
                    float s = MathF.Sqrt(_coefficients[j]);
                    foreach (var part in new[] { _cos, _sin })
                    {
                        var v = part.AsSpan(at, _dim);
                        NormalizeInPlace(v);
                        for (int k = 0; k < v.Length; k++) v[k] *= s;
                    }
                }
        }
        return new TmkFeatures(TmkParameters.PdqfAlgorithm, _fps, _count, _periods, _coefficients, _pure, _cos, _sin);
    }

    /// <summary>The reference's L2 normalisation: a float sum of squares in order, its float square root, then a division.</summary>
    internal static void NormalizeInPlace(Span<float> v)
    {
        float norm = TmkMath.Norm(v);
        if (norm > 0) for (int k = 0; k < v.Length; k++) v[k] /= norm;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(Span<float> acc, ReadOnlySpan<float> x, double w)
    {
        var a = MemoryMarshal.Cast<float, Vector256<float>>(acc);
        var xs = MemoryMarshal.Cast<float, Vector256<float>>(x);
        var wv = Vector256.Create(w);
        for (int i = 0; i < a.Length; i++)
        {
            var av = a[i];
            var xv = xs[i];
            var lo = Vector256.WidenLower(av) + Vector256.WidenLower(xv) * wv;
            var hi = Vector256.WidenUpper(av) + Vector256.WidenUpper(xv) * wv;
            a[i] = Vector256.Narrow(lo, hi);
        }
    }
}
