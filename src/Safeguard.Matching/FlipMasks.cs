using System.Collections.Concurrent;

namespace Safeguard.Matching;

/// <summary>
/// Every mask of at most <see cref="MaxFlips"/> set bits within a given width, grouped by the
/// number of set bits, so a probe loop visits all values within k flips of a slice value.
/// </summary>
internal sealed class FlipMasks
{
    public const int MaxFlips = 6;

    private static readonly ConcurrentDictionary<int, FlipMasks> Cache = new();

    public readonly uint[] Masks;
    /// <summary>Masks with k set bits are Masks[Start[k]..Start[k+1]).</summary>
    public readonly int[] Start;

    private FlipMasks(int width)
    {
        var masks = new List<uint>();
        Start = new int[MaxFlips + 2];
        for (int k = 0; k <= MaxFlips; k++)
        {
            Start[k] = masks.Count;
            if (k > width) continue;
            if (k == 0) { masks.Add(0); continue; }
            // Gosper's hack: next larger integer with the same number of set bits.
            ulong m = (1UL << k) - 1, limit = 1UL << width;
            while (m < limit)
            {
                masks.Add((uint)m);
                ulong c = m & (ulong)-(long)m, r = m + c;
                m = (((r ^ m) >> 2) / c) | r;
            }
        }
        Start[MaxFlips + 1] = masks.Count;
        Masks = masks.ToArray();
    }

    public static FlipMasks For(int width) => Cache.GetOrAdd(width, w => new FlipMasks(w));

    /// <summary>Number of masks of exactly k bits in the given width: C(width, k).</summary>
    public static double Choose(int n, int k)
    {
        if (k < 0 || k > n) return 0;
        double c = 1;
        for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return c;
    }

}
