using System.Diagnostics;
using Safeguard.Engine.Index;
using Safeguard.Hashing.Tmk;

namespace Safeguard.Cli.Bench;

/// <summary>
/// The TMK level-1 pass (<see cref="TmkRows"/>) over a generated bank: the time of one query
/// against every video, checked against scoring each one with <see cref="TmkScorer.Level1(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// </summary>
public static class TmkIndexBenchmark
{
    public static void Run(int videos, int queries, int seed, TextWriter output)
    {
        var rng = new Random(seed);
        int dim = TmkParameters.Dimension;
        // Pure averages of unrelated videos are near orthogonal (Meta's pair scores: -0.05..0.2).
        var bank = new float[videos][];
        for (int v = 0; v < videos; v++) bank[v] = Noise(rng, dim, 1f);
        var sw = Stopwatch.StartNew();
        var rows = new TmkRows();
        for (int v = 0; v < videos; v++) rows.Add(v, bank[v]);
        double buildMs = sw.Elapsed.TotalMilliseconds;

        var results = new List<(int Slot, float Level1)>();
        var times = new List<double>();
        long matches = 0;
        for (int q = 0; q < queries; q++)
        {
            // Every other query is a re-encoded copy of a banked video: one match to find.
            int target = rng.Next(videos);
            var query = q % 2 == 0 ? Noise(rng, dim, 1f) : Add(bank[target], Noise(rng, dim, 0.3f));
            results.Clear();
            sw.Restart();
            rows.Search(query, TmkParameters.DefaultLevel1Threshold, results);
            times.Add(sw.Elapsed.TotalMilliseconds);
            matches += results.Count;
            if (q < 4) Check(bank, query, results);
        }
        times.Sort();
        output.WriteLine($"tmk level 1: {videos:N0} videos, {4.0 * videos * dim / (1 << 20):N0} MiB of pure averages, built in {buildMs:N0} ms");
        output.WriteLine($"  query: median {times[times.Count / 2]:F2} ms, p95 {times[(int)(times.Count * 0.95)]:F2} ms, fastest {times[0]:F2} ms ({queries} queries, {matches} matches at 0.7)");
        output.WriteLine("  the first queries' answers equal scoring every video");
    }

    private static void Check(float[][] bank, float[] query, List<(int Slot, float Level1)> results)
    {
        var expected = new List<(int, float)>();
        for (int v = 0; v < bank.Length; v++)
            if (TmkScorer.Level1(query, bank[v]) is var s && s >= TmkParameters.DefaultLevel1Threshold) expected.Add((v, s));
        if (!expected.SequenceEqual(results))
            throw new InvalidOperationException($"level-1 pass found {results.Count} videos, scoring every video {expected.Count}");
    }

    private static float[] Noise(Random rng, int n, float scale)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = scale * ((float)rng.NextDouble() - 0.5f);
        return v;
    }

    private static float[] Add(float[] a, float[] b)
    {
        var v = new float[a.Length];
        for (int i = 0; i < a.Length; i++) v[i] = a[i] + b[i];
        return v;
    }
}
