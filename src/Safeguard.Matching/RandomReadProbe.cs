using System.Diagnostics;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// Times random 32-byte reads over a buffer laid out as the index's hash arrays are (native, huge-page
/// advised), so a benchmark can show how this machine's read cost grows with the memory a search spans.
/// </summary>
public static class RandomReadProbe
{
    /// <summary>Nanoseconds per read, independent reads (as many in flight as the core allows), best of three passes.</summary>
    public static double NanosecondsPerRead(int hashes, int reads = 2_000_000, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hashes, 1);
        var buffer = new NativeBuffer<Hash256>(hashes, zeroed: true); // zeroing touches every page
        var rng = new Random(seed);
        var positions = new int[reads];
        for (int i = 0; i < reads; i++) positions[i] = rng.Next(hashes);
        var span = buffer.AsSpan();
        double best = double.MaxValue;
        ulong sink = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (int p in positions) sink += span[p].W0;
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / reads);
        }
        GC.KeepAlive(buffer);
        return sink == ulong.MaxValue ? -1 : best; // the sum keeps the reads from being dropped
    }
}
