using Safeguard.Hashing.Tmk;
using Safeguard.Video.Tmk;
using Safeguard.Video.Vpdq;

namespace Safeguard.Video.Tests;

/// <summary>vPDQ and TMK from one decode give what each gives alone; awkward videos fail clearly.</summary>
public sealed class TmkDecodeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("chair-19-sd-bar")]
    [InlineData("doorknob-hd-no-bar")]
    [InlineData("pattern-hd-no-bar")]
    public void OneDecodeGivesTheSameTmkAsMetasCommandAndTheSameVpdqAsAlone(string name)
    {
        string path = TestData.VpdqFile($"videos/{name}.mp4");
        var both = VpdqHasher.HashFile(path, new VpdqOptions { Tmk = true });
        Assert.Null(both.Error);
        var vpdqAlone = VpdqHasher.HashFile(path, new VpdqOptions());
        Assert.Equal(vpdqAlone.Frames, both.Frames);
        var tmkAlone = TmkHasher.HashFile(path);
        Assert.NotNull(both.Tmk);
        Assert.Equal(TmkFile.ToBytes(tmkAlone), TmkFile.ToBytes(both.Tmk!));
        var metas = TmkFile.ReadFile(TestData.TmkFile($"{name}.tmk"));
        Assert.Equal(metas.FrameFeatureCount, both.Tmk!.FrameFeatureCount);
        Assert.True(TmkScorer.Score(both.Tmk, metas).Matches(0.999f, 0.999f));
    }

    [Fact]
    public void TmkAloneDecodesNoVpdqFrames()
    {
        var r = VpdqHasher.HashFile(TestData.VpdqFile("videos/doorknob-hd-no-bar.mp4"), new VpdqOptions { Tmk = true, Vpdq = false });
        Assert.Null(r.Error);
        Assert.Empty(r.Frames);
        Assert.Equal(62, r.Tmk!.FrameFeatureCount);
        Assert.NotNull(r.Md5);
    }

    [Fact]
    public void ARotatedStreamGetsMetasAutorotatedTmk()
    {
        var rotated = _dir.File("rotated.mp4");
        Ffmpeg.Run("-i", TestData.VpdqFile("videos/doorknob-hd-no-bar.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", rotated);
        var r = VpdqHasher.HashFile(rotated, new VpdqOptions { Tmk = true });
        Assert.Null(r.Error);
        Assert.NotEqual(0, r.Info!.Rotation);
        // Meta's command rotates; the upright original's TMK is therefore not what a rotated stream gives.
        Assert.Equal(TmkFile.ToBytes(TmkHasher.HashFile(rotated)), TmkFile.ToBytes(r.Tmk!));
        var upright = TmkHasher.HashFile(TestData.VpdqFile("videos/doorknob-hd-no-bar.mp4"));
        Assert.True(TmkScorer.Level1(upright, r.Tmk!) < 0.999f);
    }

    [Fact]
    public void AOneFrameVideoHasATmkOfOneFrame()
    {
        var path = _dir.File("one.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc=size=160x120:rate=15", "-frames:v", "1", "-pix_fmt", "yuv420p", path);
        var f = TmkHasher.HashFile(path);
        Assert.Equal(1, f.FrameFeatureCount);
        Assert.Equal(1f, TmkScorer.Level1(f, f), 5);
        // One frame at t = 0 has no sine component, so Meta's level 2 against itself is
        // (c0 + c1 + ... + cm-1) / (c0 + 2 (c1 + ... + cm-1)), not 1: such a video cannot pass 0.7.
        var c = TmkParameters.PoullotCoefficients();
        double rest = c.Skip(1).Sum(x => (double)x);
        Assert.Equal((c[0] + rest) / (c[0] + 2 * rest), TmkScorer.Level2(f, f), 4);
    }

    [Fact]
    public void AudioOnlyEmptyAndGarbageFilesAreClearErrors()
    {
        var tone = _dir.File("tone.m4a");
        Ffmpeg.Run("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", tone);
        Assert.Contains("no video stream", Assert.Throws<VideoException>(() => TmkHasher.HashFile(tone)).Message);
        var empty = _dir.File("empty.mp4");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty file", Assert.Throws<VideoException>(() => TmkHasher.HashFile(empty)).Message);
        var garbage = _dir.File("garbage.mp4");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7919)).ToArray());
        Assert.Throws<VideoException>(() => TmkHasher.HashFile(garbage));
        var r = VpdqHasher.HashFile(tone, new VpdqOptions { Tmk = true });
        Assert.Contains("no video stream", r.Error);
    }

    [Fact]
    public void AbsurdDimensionsAreRefusedBeforeDecoding()
    {
        var path = _dir.File("big.mkv");
        Ffmpeg.Run("-f", "lavfi", "-i", "color=c=gray:size=640x480:duration=1:rate=5", "-c:v", "ffv1", path);
        Assert.Contains("exceeds the limit", Assert.Throws<VideoException>(() => TmkHasher.HashFile(path, new TmkOptions { MaxPixels = 100_000 })).Message);
    }

    [Fact]
    public void AVideoLongerThanTheFrameLimitStopsWithAnError()
    {
        var path = _dir.File("long.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc=size=64x64:rate=15:duration=4", "-pix_fmt", "yuv420p", path);
        var ex = Assert.Throws<VideoException>(() => TmkHasher.HashFile(path, new TmkOptions { MaxFrames = 30 }));
        Assert.Contains("more than 30 frames", ex.Message);
    }
}
