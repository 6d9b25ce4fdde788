using Safeguard.Hashing.Tmk;
using Safeguard.Video.Streams;
using Safeguard.Video.Tmk;

namespace Safeguard.Video.Tests;

/// <summary>The rolling TMK of a watched stream, matched against banked videos as it plays.</summary>
public sealed class WatchTmkTests
{
    /// <summary>Brute force over Meta's files: the scorer on every banked video, at 0.7/0.7.</summary>
    private sealed class MetasFiles : ITmkWindowMatcher
    {
        public List<(string Name, TmkFeatures Features)> Bank { get; } = Directory.GetFiles(TestData.Tmk, "*.tmk").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), TmkFile.ReadFile(f))).ToList();
        public List<TmkFeatures> Windows { get; } = [];

        public void Match(TmkFeatures window, List<TmkWindowHit> hits)
        {
            Windows.Add(window);
            for (int i = 0; i < Bank.Count; i++)
            {
                var s = TmkScorer.Score(window, Bank[i].Features);
                if (s.Matches(0.7f, 0.7f)) hits.Add(new TmkWindowHit(i, s.Level1, s.Level2));
            }
        }
    }

    private sealed class NoFrames : IFrameMatcher
    {
        public void Match(in Safeguard.Hashing.Pdq.Hash256 frame, int quality, List<Safeguard.Matching.PdqMatch> hits) { }
    }

    [Fact]
    public void AWatchedFileRaisesTmkAlertsForItsSceneAndItsLastWindowIsTheWholeVideosTmk()
    {
        string path = TestData.VpdqFile("videos/chair-20-sd-bar.mp4");
        var matcher = new MetasFiles();
        var alerts = new List<WatchTmkAlert>();
        var watcher = new StreamWatcher(path, new NoFrames(), new WatchOptions { TmkWindow = TimeSpan.FromMinutes(5), TmkInterval = TimeSpan.FromSeconds(8), Reconnect = false }, _ => { })
        {
            TmkMatcher = matcher,
            OnTmkAlert = alerts.Add,
        };
        watcher.Run(CancellationToken.None);
        // 309 frames at 15 fps: windows after 120 and 240 frames, and the last at the end.
        Assert.Equal([120, 240, 309], matcher.Windows.Select(w => w.FrameFeatureCount));
        Assert.Equal(TmkFile.ToBytes(TmkHasher.HashFile(path)), TmkFile.ToBytes(matcher.Windows[^1]));
        var alerted = alerts.Select(a => matcher.Bank[(int)a.MatchId].Name).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["chair-19-sd-bar", "chair-20-sd-bar", "chair-22-sd-grey-bar", "chair-orig-22-sd-bar"], alerted);
        Assert.All(alerts, a => Assert.True(a.Level1 >= 0.7f && a.Level2 >= 0.7f));
    }

    [Fact]
    public void TheWindowKeepsOnlyTheLastFrames()
    {
        var rolling = new RollingTmk(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
        var frame = new byte[Safeguard.Hashing.Pdq.PdqFloat.FrameBytes];
        var expected = new TmkAccumulator();
        var feature = new float[256];
        var scratch = new float[Safeguard.Hashing.Pdq.PdqFloat.ScratchFloats];
        var rng = new Random(3);
        for (int n = 0; n < 75; n++)
        {
            rng.NextBytes(frame);
            rolling.Add(frame);
            // A second, independent computation: the last 30 frames through a fresh accumulator.
            if (n >= 45)
            {
                Safeguard.Hashing.Pdq.PdqFloat.FromRgb24(frame, feature, scratch);
                expected.Add(feature);
            }
        }
        Assert.Equal(30, rolling.WindowFrames);
        Assert.Equal(TmkFile.ToBytes(expected.Finish()), TmkFile.ToBytes(rolling.Snapshot()));
    }
}
