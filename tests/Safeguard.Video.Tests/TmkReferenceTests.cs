using System.Globalization;
using Safeguard.Hashing.Tmk;
using Safeguard.Video.Tmk;
using Xunit.Abstractions;

namespace Safeguard.Video.Tests;

/// <summary>Our TMK+PDQF against Meta's sample .tmk files and Meta's own pair scores.</summary>
public sealed class TmkReferenceTests(TmkReferenceTests.Hashed hashed, ITestOutputHelper output) : IClassFixture<TmkReferenceTests.Hashed>
{
    /// <summary>The seven reference videos, hashed once for the class.</summary>
    public sealed class Hashed
    {
        public Dictionary<string, TmkFeatures> Ours { get; } = new();
        public Dictionary<string, TmkFeatures> Metas { get; } = new();

        public Hashed()
        {
            foreach (var tmk in Directory.GetFiles(TestData.Tmk, "*.tmk").Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileNameWithoutExtension(tmk);
                Metas[name] = TmkFile.ReadFile(tmk);
            }
            Parallel.ForEach(Metas.Keys.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 2 }, name =>
            {
                var f = TmkHasher.HashFile(TestData.VpdqFile($"videos/{name}.mp4"), new TmkOptions { DecoderThreads = 1 });
                lock (Ours) Ours[name] = f;
            });
        }
    }

    [Fact]
    public void EveryReferenceVideoScoresAtLeast0999AgainstMetasFileAtBothLevels()
    {
        Assert.Equal(7, hashed.Metas.Count);
        foreach (var (name, metas) in hashed.Metas)
        {
            var ours = hashed.Ours[name];
            var score = TmkScorer.Score(ours, metas);
            output.WriteLine($"{name}: level 1 {score.Level1:F6}, level 2 {score.Level2:F6}, frames {ours.FrameFeatureCount} vs {metas.FrameFeatureCount}");
            Assert.Equal(metas.FrameFeatureCount, ours.FrameFeatureCount);
            Assert.True(score.Level1 >= 0.999f, $"{name}: level 1 {score.Level1}");
            Assert.True(score.Level2 >= 0.999f, $"{name}: level 2 {score.Level2}");
        }
    }

    [Fact]
    public void OurFeaturesEqualMetasToFloatRounding()
    {
        foreach (var (name, metas) in hashed.Metas)
        {
            var ours = hashed.Ours[name];
            Assert.Null(TmkFeatures.Incompatibility(ours, metas));
            Assert.Equal(metas.Periods, ours.Periods);
            Assert.Equal(metas.FourierCoefficients, ours.FourierCoefficients);
            double worst = 0;
            foreach (var (a, b) in new[] { (ours.PureAverage, metas.PureAverage), (ours.Cos, metas.Cos), (ours.Sin, metas.Sin) })
                for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
            output.WriteLine($"{name}: largest difference {worst:E2}");
            Assert.True(worst < 1e-3, $"{name}: features differ by {worst}");
        }
    }

    [Fact]
    public void PairScoresMatchMetasWithin0001AndDecisionsAreIdentical()
    {
        var lines = File.ReadAllLines(TestData.TmkFile("pair-scores.txt")).Where(l => l.Trim().Length > 0).ToList();
        Assert.Equal(21, lines.Count);
        foreach (var line in lines)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            float level1 = float.Parse(parts[0], CultureInfo.InvariantCulture), level2 = float.Parse(parts[1], CultureInfo.InvariantCulture);
            var a = hashed.Ours[Path.GetFileNameWithoutExtension(parts[2])];
            var b = hashed.Ours[Path.GetFileNameWithoutExtension(parts[3])];
            var ours = TmkScorer.Score(a, b);
            output.WriteLine($"{parts[2]} {parts[3]}: ours {ours.Level1:F6} {ours.Level2:F6}, Meta's {level1:F6} {level2:F6}");
            Assert.InRange(ours.Level1, level1 - 0.001f, level1 + 0.001f);
            Assert.InRange(ours.Level2, level2 - 0.001f, level2 + 0.001f);
            bool metaMatch = level1 >= 0.7f && level2 >= 0.7f;
            Assert.Equal(metaMatch, ours.Matches(TmkParameters.DefaultLevel1Threshold, TmkParameters.DefaultLevel2Threshold));
        }
    }

    [Fact]
    public void MetasFilesScoredByUsGiveMetasPairScores()
    {
        // The scorer alone, on Meta's own files: a second check that does not depend on our hashing.
        foreach (var line in File.ReadAllLines(TestData.TmkFile("pair-scores.txt")).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var a = hashed.Metas[Path.GetFileNameWithoutExtension(parts[2])];
            var b = hashed.Metas[Path.GetFileNameWithoutExtension(parts[3])];
            // Meta prints six decimals: agreement to the printed digit.
            Assert.Equal(double.Parse(parts[0], CultureInfo.InvariantCulture), TmkScorer.Level1(a, b), 1e-6 + 5e-7);
            Assert.Equal(double.Parse(parts[1], CultureInfo.InvariantCulture), TmkScorer.Level2(a, b), 1e-6 + 5e-7);
        }
    }

    [Fact]
    public void OurFilesRoundTripByteForByteAndMetasToo()
    {
        foreach (var (name, ours) in hashed.Ours)
        {
            var bytes = TmkFile.ToBytes(ours);
            Assert.Equal(TmkFile.StandardBytes, bytes.Length);
            Assert.Equal(bytes, TmkFile.ToBytes(TmkFile.Read(bytes, name)));
            var metasBytes = File.ReadAllBytes(TestData.TmkFile($"{name}.tmk"));
            Assert.Equal(metasBytes, TmkFile.ToBytes(TmkFile.Read(metasBytes, name)));
        }
    }
}
