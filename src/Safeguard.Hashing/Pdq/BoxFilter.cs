using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Safeguard.Hashing.Pdq;

/// <summary>
/// The reference's 1-D box filter (one pass of the Jarosz blur), run down every column of a
/// row-major matrix at once. Each column keeps its own running sum and sees exactly the
/// reference's sequence of float additions, subtractions and divisions, so the output is
/// bit-identical; vectorising across columns changes nothing but speed.
/// </summary>
internal static unsafe class BoxFilter
{
    /// <summary>Filters each of <paramref name="cols"/> columns of length <paramref name="rows"/>.</summary>
    /// <param name="sampleRows">When not empty, only these output rows (ascending, repeats allowed)
    /// are written, compactly: dst row k is output row sampleRows[k].</param>
    public static void AlongColumns(float* src, float* dst, int rows, int cols, int window, ReadOnlySpan<int> sampleRows)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= cols; j += 8)
                Column<Lane8>(src + j, dst + j, rows, cols, window, sampleRows);
        }
        for (; j < cols; j++)
            Column<Lane1>(src + j, dst + j, rows, cols, window, sampleRows);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column<TLane>(float* src, float* dst, int rows, int stride, int window, ReadOnlySpan<int> sampleRows)
        where TLane : struct, ILane<TLane>
    {
        int half = (window + 2) / 2;
        int phase1 = half - 1;
        int phase2 = window - half + 1;
        int phase3 = rows - window;
        int phase4 = half - 1;
        var sum = TLane.Zero;
        int count = 0;
        float* ri = src;
        float* li = src;
        int oi = 0;
        bool all = sampleRows.IsEmpty;
        int next = 0;

        for (int i = 0; i < phase1; i++, ri += stride)
        {
            sum = TLane.Add(sum, TLane.Load(ri));
            count++;
        }
        for (int i = 0; i < phase2; i++, ri += stride, oi++)
        {
            sum = TLane.Add(sum, TLane.Load(ri));
            count++;
            Emit(dst, stride, sum, count, oi, all, sampleRows, ref next);
        }
        for (int i = 0; i < phase3; i++, ri += stride, li += stride, oi++)
        {
            sum = TLane.Sub(TLane.Add(sum, TLane.Load(ri)), TLane.Load(li));
            Emit(dst, stride, sum, count, oi, all, sampleRows, ref next);
        }
        for (int i = 0; i < phase4; i++, li += stride, oi++)
        {
            sum = TLane.Sub(sum, TLane.Load(li));
            count--;
            Emit(dst, stride, sum, count, oi, all, sampleRows, ref next);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit<TLane>(float* dst, int stride, TLane sum, int count, int oi, bool all, ReadOnlySpan<int> sampleRows, ref int next)
        where TLane : struct, ILane<TLane>
    {
        if (all)
        {
            TLane.Store(TLane.Divide(sum, count), dst + (nint)oi * stride);
            return;
        }
        while (next < sampleRows.Length && sampleRows[next] == oi)
        {
            TLane.Store(TLane.Divide(sum, count), dst + (nint)next * stride);
            next++;
        }
    }

    private interface ILane<TSelf> where TSelf : struct
    {
        static abstract TSelf Zero { get; }
        static abstract TSelf Load(float* p);
        static abstract void Store(TSelf v, float* p);
        static abstract TSelf Add(TSelf a, TSelf b);
        static abstract TSelf Sub(TSelf a, TSelf b);
        static abstract TSelf Divide(TSelf a, int count);
    }

    private readonly struct Lane8(Vector256<float> v) : ILane<Lane8>
    {
        private readonly Vector256<float> _v = v;
        public static Lane8 Zero => new(Vector256<float>.Zero);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Load(float* p) => new(Vector256.Load(p));
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lane8 v, float* p) => v._v.Store(p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Add(Lane8 a, Lane8 b) => new(a._v + b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Sub(Lane8 a, Lane8 b) => new(a._v - b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane8 Divide(Lane8 a, int count) => new(a._v / Vector256.Create((float)count));
    }

    private readonly struct Lane1(float v) : ILane<Lane1>
    {
        private readonly float _v = v;
        public static Lane1 Zero => new(0f);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Load(float* p) => new(*p);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Lane1 v, float* p) => *p = v._v;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Add(Lane1 a, Lane1 b) => new(a._v + b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Sub(Lane1 a, Lane1 b) => new(a._v - b._v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Divide(Lane1 a, int count) => new(a._v / count);
    }
}
