using System.Buffers.Binary;
using Safeguard.Hashing.Tmk;

namespace Safeguard.Video.Tests;

/// <summary>Meta's .tmk layout, and damaged or foreign files refused with the file named.</summary>
public sealed class TmkFileTests
{
    private static byte[] Metas(string name = "chair-19-sd-bar") => File.ReadAllBytes(TestData.TmkFile($"{name}.tmk"));

    [Fact]
    public void TheHeaderIsReadAsMetaLaysItOut()
    {
        var bytes = Metas();
        var f = TmkFile.Read(bytes, "chair");
        Assert.Equal(TmkFile.StandardBytes, bytes.Length);
        Assert.Equal("PDQF", f.Algorithm);
        Assert.Equal(15, f.FramesPerSecond);
        Assert.Equal([2731, 4391, 9767, 14653], f.Periods);
        Assert.Equal(32, f.FourierCoefficients.Length);
        Assert.Equal(256, f.Dimension);
        Assert.Equal(TmkParameters.PoullotCoefficients(), f.FourierCoefficients);
        // Independent of the reader: the frame count sits at byte 28, the first period at 32.
        Assert.Equal(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(28)), f.FrameFeatureCount);
        Assert.Equal(2731, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(32)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(1000)]
    [InlineData(263_343)]
    public void TruncatedFilesAreRefused(int length)
    {
        var ex = Assert.Throws<TmkFormatException>(() => TmkFile.Read(Metas().AsSpan(0, length), "cut.tmk"));
        Assert.Contains("cut.tmk", ex.Message);
    }

    [Fact]
    public void TrailingBytesAreRefused()
    {
        var bytes = Metas().Concat(new byte[7]).ToArray();
        Assert.Contains("after the end", Assert.Throws<TmkFormatException>(() => TmkFile.Read(bytes, "x.tmk")).Message);
    }

    [Theory]
    [InlineData(0, "TMK2", "not a TMK feature-vector file")]
    [InlineData(4, "FEAT", "not a TMK feature-vector file")]
    [InlineData(8, "XXXX", "frame algorithm 'XXXX' is not supported")]
    public void ForeignMagicIsRefused(int at, string magic, string expected)
    {
        var bytes = Metas();
        System.Text.Encoding.ASCII.GetBytes(magic).CopyTo(bytes, at);
        Assert.Contains(expected, Assert.Throws<TmkFormatException>(() => TmkFile.Read(bytes, "x.tmk")).Message);
    }

    [Theory]
    [InlineData(12, 0)]
    [InlineData(16, -1)]
    [InlineData(16, int.MaxValue)]
    [InlineData(20, 1 << 20)]
    [InlineData(24, 0)]
    [InlineData(28, -5)]
    [InlineData(32, 0)]
    public void AbsurdHeaderValuesAreRefusedWithoutAllocatingForThem(int at, int value)
    {
        var bytes = Metas();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
        Assert.Throws<TmkFormatException>(() => TmkFile.Read(bytes, "x.tmk"));
    }

    [Fact]
    public void NotANumberIsRefused()
    {
        var bytes = Metas();
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(TmkFile.HeaderBytes + 16 + 128 + 40), float.NaN);
        Assert.Contains("not a finite number", Assert.Throws<TmkFormatException>(() => TmkFile.Read(bytes, "x.tmk")).Message);
    }

    [Fact]
    public void AnotherFrameRateReadsButCannotBeComparedWithFifteen()
    {
        var bytes = Metas();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), 30);
        var thirty = TmkFile.Read(bytes, "x.tmk");
        var fifteen = TmkFile.Read(Metas(), "y.tmk");
        Assert.Contains("frame rate", TmkFeatures.Incompatibility(thirty, fifteen));
        Assert.Throws<ArgumentException>(() => TmkScorer.Level2(thirty, fifteen));
    }

    [Fact]
    public void RandomDamageNeverThrowsAnythingButAFormatError()
    {
        var original = Metas("doorknob-hd-no-bar");
        var rng = new Random(5);
        for (int i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            int cut = rng.Next(3) == 0 ? rng.Next(bytes.Length) : bytes.Length;
            for (int k = rng.Next(1, 6); k > 0; k--) bytes[rng.Next(Math.Min(64, cut))] = (byte)rng.Next(256);
            try { TmkFile.Read(bytes.AsSpan(0, cut), "m.tmk"); }
            catch (TmkFormatException) { }
        }
    }

    [Fact]
    public void WritingGoesThroughATemporaryFileAndReadsBack()
    {
        using var dir = new TempDir();
        var f = TmkFile.Read(Metas(), "a");
        var path = dir.File("out.tmk");
        TmkFile.WriteFile(path, f);
        Assert.Equal(Metas(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
