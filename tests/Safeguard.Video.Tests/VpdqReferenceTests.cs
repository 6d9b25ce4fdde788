using Safeguard.Video.Vpdq;
using Xunit.Abstractions;

namespace Safeguard.Video.Tests;

/// <summary>Every-frame vPDQ against Meta's sample hashes for the same videos.</summary>
[Collection("videos")]
public sealed class VpdqReferenceTests(TestVideoHashes hashes, ITestOutputHelper output)
{
    [Fact]
    public void EveryFrameHashesAreCloseToMetasSampleHashes()
    {
        var all = new List<int>();
        foreach (var name in SampleVideos.Names)
        {
            var expected = VpdqText.ReadRowsFile(TestData.VpdqFile($"sample-hashes/{name}.txt"));
            var frames = hashes.EveryFrame[name];
            Assert.Equal(expected.Count, frames.Count);
            var distances = new List<int>();
            for (int i = 0; i < expected.Count; i++)
            {
                var e = expected[i];
                var a = frames[i];
                Assert.Equal(e.FrameNumber, a.FrameNumber);
                Assert.Equal(e.Timestamp, Math.Round(a.Timestamp, 3), 3);
                if (e.Quality >= 80) distances.Add(e.Hash.DistanceTo(a.Hash));
            }
            output.WriteLine($"{name}: {Summary(distances)}");
            all.AddRange(distances);
        }
        output.WriteLine($"all: {Summary(all)}");
        all.Sort();
        double within10 = all.Count(d => d <= 10) / (double)all.Count;
        Assert.True(within10 >= 0.99, $"only {within10:P2} of quality>=80 frames within distance 10");
        Assert.True(all[all.Count / 2] <= 2, $"median distance {all[all.Count / 2]} > 2");
        // Regression guard for the conversion flags (area+accurate_rnd gives 93.5% identical hashes).
        Assert.True(all.Count(d => d == 0) >= all.Count * 0.85, $"only {all.Count(d => d == 0)} of {all.Count} frames identical");
    }

    internal static string Summary(List<int> d)
    {
        if (d.Count == 0) return "no frames";
        var s = d.Order().ToList();
        return $"{s.Count} frames q>=80, median {s[s.Count / 2]}, p90 {s[(int)(s.Count * 0.9)]}, p99 {s[(int)(s.Count * 0.99)]}, max {s[^1]}, " +
               $"=0 {s.Count(x => x == 0) * 100.0 / s.Count:F1}%, <=2 {s.Count(x => x <= 2) * 100.0 / s.Count:F1}%, <=10 {s.Count(x => x <= 10) * 100.0 / s.Count:F2}%";
    }
}
