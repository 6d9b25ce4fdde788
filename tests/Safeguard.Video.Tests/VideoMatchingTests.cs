using Safeguard.Hashing.Pdq;
using Safeguard.Matching;
using Safeguard.Video.Vpdq;
using Xunit.Abstractions;
using Safeguard.Signals;
using Safeguard.Signals.Vpdq;

namespace Safeguard.Video.Tests;

/// <summary>Hashes the test videos once, at 1 frame per second and every frame (shared by the tests).</summary>
public sealed class TestVideoHashes
{
    public Dictionary<string, List<VpdqFrame>> ByName { get; } = new();
    public Dictionary<string, List<VpdqFrame>> EveryFrame { get; } = new();

    public TestVideoHashes()
    {
        foreach (var name in SampleVideos.Names)
        {
            var r = VpdqHasher.HashFile(TestData.VpdqFile($"videos/{name}.mp4"));
            if (r.Error is not null) throw new InvalidOperationException($"{name}: {r.Error}");
            ByName[name] = r.Frames;
            r = VpdqHasher.HashFile(TestData.VpdqFile($"videos/{name}.mp4"), new VpdqOptions { EveryFrame = true, ComputeMd5 = false });
            if (r.Error is not null) throw new InvalidOperationException($"{name}: {r.Error}");
            EveryFrame[name] = r.Frames;
        }
    }
}

[CollectionDefinition("videos")]
public sealed class SharedVideoHashes : ICollectionFixture<TestVideoHashes>;

[Collection("videos")]
public sealed class VideoMatchingTests(TestVideoHashes hashes, ITestOutputHelper output)
{
    private static string Scene(string name) => name.Split('-')[0];

    [Fact]
    public void OneFpsReencodedVideosMatchTheirOriginalsAndDifferentScenesStayApart()
    {
        var names = SampleVideos.Names;
        foreach (var a in names)
        foreach (var b in names)
        {
            if (a == b) continue;
            var cmp = VpdqMatcher.Compare(hashes.ByName[a], hashes.ByName[b]);
            output.WriteLine($"1 fps {a} vs {b}: query {cmp.QueryMatchPercent:F1}%, compared {cmp.ComparedMatchPercent:F1}%");
            // Different scenes never match. The chair clips are trims of one recording: at 1 fps
            // they match when their sampling phases line up (checked below for the re-encode pair).
            if (Scene(a) != Scene(b)) Assert.False(cmp.IsMatch(80, 80));
        }
        Assert.True(VpdqMatcher.Compare(hashes.ByName["chair-22-sd-grey-bar"], hashes.ByName["chair-orig-22-sd-bar"]).IsMatch(80, 80));
        Assert.True(VpdqMatcher.Compare(hashes.ByName["chair-orig-22-sd-bar"], hashes.ByName["chair-22-sd-grey-bar"]).IsMatch(80, 80));
    }

    [Fact]
    public void FastSamplingStaysOnTheOneSecondGridAndMatchesExactHashes()
    {
        var fast = VpdqHasher.HashFile(TestData.VpdqFile("videos/chair-22-sd-grey-bar.mp4"), new VpdqOptions { Fast = true, ComputeMd5 = false });
        Assert.Null(fast.Error);
        var exact = hashes.ByName["chair-22-sd-grey-bar"];
        Assert.Equal(exact.Count, fast.Frames.Count);
        foreach (var (f, e) in fast.Frames.Zip(exact))
            Assert.InRange(f.FrameNumber - e.FrameNumber, 0, 2); // the next decodable frame, never drifting
        Assert.True(VpdqMatcher.Compare(fast.Frames, hashes.ByName["chair-orig-22-sd-bar"]).IsMatch(80, 80));
    }

    [Fact]
    public void UnletterboxedPatternReencodeMatchesItsOriginal()
    {
        // pattern-sd-grey-bar is pattern-hd-no-bar in grey with black side bars: even Meta's own
        // hashes do not match them; cropping the bars before hashing does.
        var options = new VpdqOptions { Unletterbox = true, ComputeMd5 = false };
        var hd = VpdqHasher.HashFile(TestData.VpdqFile("videos/pattern-hd-no-bar.mp4"), options);
        var sd = VpdqHasher.HashFile(TestData.VpdqFile("videos/pattern-sd-grey-bar.mp4"), options);
        var chair = VpdqHasher.HashFile(TestData.VpdqFile("videos/chair-22-sd-grey-bar.mp4"), options);
        var cmp = VpdqMatcher.Compare(hd.Frames, sd.Frames);
        output.WriteLine($"unletterboxed pattern-hd vs pattern-sd: {cmp}");
        Assert.True(cmp.IsMatch(80, 80), cmp.ToString());
        Assert.False(VpdqMatcher.Compare(chair.Frames, sd.Frames).IsMatch(80, 0));
    }

    [Fact]
    public void EveryFrameDecisionsAgreeWithMetasHashes()
    {
        // chair-19/20/22 are trims of one clip: with every frame hashed they match (Meta's hashes say so too).
        var names = SampleVideos.Names;
        foreach (var a in names)
        foreach (var b in names)
        {
            if (a == b) continue;
            var cmp = VpdqMatcher.Compare(hashes.EveryFrame[a], hashes.EveryFrame[b]);
            var meta = VpdqMatcher.Compare(VpdqText.ReadRowsFile(TestData.VpdqFile($"sample-hashes/{a}.txt")),
                VpdqText.ReadRowsFile(TestData.VpdqFile($"sample-hashes/{b}.txt")));
            output.WriteLine($"every frame {a} vs {b}: {cmp.QueryMatchPercent:F1}%, {cmp.ComparedMatchPercent:F1}% (Meta: {meta.QueryMatchPercent:F1}%, {meta.ComparedMatchPercent:F1}%)");
            Assert.Equal(meta.IsMatch(80, 80), cmp.IsMatch(80, 80));
            if (Scene(a) != Scene(b)) Assert.False(cmp.IsMatch(80, 80));
        }
    }

    [Fact]
    public void OneFpsQueryMatchesATrimmedCopyBankedEveryFrame()
    {
        // A bank entry hashed every frame covers any sampling phase of the query (compared share 0%).
        var cmp = VpdqMatcher.Compare(hashes.ByName["chair-19-sd-bar"], hashes.EveryFrame["chair-20-sd-bar"]);
        Assert.True(cmp.IsMatch(80, 0), $"{cmp}");
        Assert.False(VpdqMatcher.Compare(hashes.ByName["doorknob-hd-no-bar"], hashes.EveryFrame["chair-20-sd-bar"]).IsMatch(80, 0));
    }

    [Fact]
    public void OneFpsSamplesAreTheEveryFrameRowsAtEachSecond()
    {
        // vPDQ's step: int(1 s x fps) frames; the rows must be those frames of Meta's every-frame file.
        var expected = VpdqText.ReadRowsFile(TestData.VpdqFile("sample-hashes/pattern-hd-no-bar.txt"));
        var ours = hashes.ByName["pattern-hd-no-bar"];
        int step = VpdqHasher.FrameStep(1.0, 30);
        Assert.Equal((expected.Count + step - 1) / step, ours.Count);
        foreach (var f in ours)
        {
            var e = expected[(int)f.FrameNumber];
            Assert.Equal(0, f.FrameNumber % step);
            Assert.Equal(e.Timestamp, Math.Round(f.Timestamp, 3), 3);
            Assert.True(e.Hash.DistanceTo(f.Hash) <= 10);
        }
    }

    [Fact]
    public void IndexFindsTheSameVideosAsPairwiseComparison()
    {
        var index = new VpdqIndex();
        for (int i = 0; i < SampleVideos.Names.Length; i++) index.Add(i, hashes.ByName[SampleVideos.Names[i]]);
        for (int i = 0; i < SampleVideos.Names.Length; i++)
        {
            var q = hashes.ByName[SampleVideos.Names[i]];
            var found = index.Search(q, 80, 80).Select(m => m.Id).Order().ToList();
            var brute = Enumerable.Range(0, SampleVideos.Names.Length)
                .Where(j => VpdqMatcher.Compare(q, hashes.ByName[SampleVideos.Names[j]]).IsMatch(80, 80)).ToList();
            Assert.Equal(brute, found);
            Assert.Contains(i, found);
        }
    }

    [Fact]
    public void FrameLevelMatchReportsTheTimestampsOfTheBankedFrame()
    {
        // A bank holding one frame of the doorknob video (from Meta's file, not from our hasher).
        var reference = VpdqText.ReadRowsFile(TestData.VpdqFile("sample-hashes/doorknob-hd-no-bar.txt"));
        var banked = reference.Where(f => f.FrameNumber % 30 == 0).MaxBy(f => f.Quality);
        var pdq = PdqIndex.Build([banked.Hash], [7]);
        var matches = VpdqIndex.MatchFrames(hashes.ByName["doorknob-hd-no-bar"], pdq);
        Assert.NotEmpty(matches);
        Assert.All(matches, m => Assert.Equal(7, m.Id));
        Assert.Contains(matches, m => Math.Abs(m.Frame.Timestamp - banked.Timestamp) < 0.01);
        foreach (var other in new[] { "pattern-hd-no-bar", "chair-19-sd-bar" })
            Assert.Empty(VpdqIndex.MatchFrames(hashes.ByName[other], pdq));
    }

    [Fact]
    public void CompactTextRoundTrips()
    {
        var frames = hashes.ByName["chair-19-sd-bar"];
        var text = VpdqSignal.Format(frames, distinctOnly: false);
        Assert.DoesNotContain(' ', text);
        Assert.True(SignalTypes.Vpdq.TryParse(text, out var back, out var error), error);
        Assert.Equal(frames.Select(f => (f.Hash, f.Quality, Math.Round(f.Timestamp, 3))), back.Select(f => (f.Hash, f.Quality, f.Timestamp)));
        Assert.False(SignalTypes.Vpdq.TryParse("zz,1,0", out _, out error));
        Assert.False(SignalTypes.Vpdq.TryParse(frames[0].Hash + ",101,0", out _, out _));
        Assert.False(SignalTypes.Vpdq.TryParse(frames[0].Hash + ",50", out _, out _));
        Assert.False(SignalTypes.Vpdq.TryParse("", out _, out _));
    }
}
