using System.Buffers.Binary;
using Safeguard.Signals;

namespace Safeguard.Banks.Tests;

/// <summary>The tmk signal type's text forms, checked against Meta's reference files and hand-built hostile values.</summary>
public sealed class TmkSignalTests
{
    public static TheoryData<string> MetaFiles() => [.. TmkSamples.Names];

    private const string Sample = "pattern-hd-no-bar.tmk";

    [Fact]
    public void All_seven_reference_files_are_there()
    {
        Assert.Equal(7, TmkSamples.Names.Count());
        Assert.All(TmkSamples.Names, n => Assert.Equal(TmkSamples.StandardBytes, TmkSamples.Bytes(n).Length));
    }

    [Theory]
    [MemberData(nameof(MetaFiles))]
    public void A_reference_file_round_trips_byte_for_byte(string name)
    {
        var bytes = TmkSamples.Bytes(name);
        var text = Convert.ToBase64String(bytes);
        Assert.Equal(351_128, text.Length);

        Assert.Equal(text, SignalTypes.Tmk.TryNormalize(text, out var error));
        Assert.Null(error);
        var value = SignalTypes.Tmk.Parse(text);
        Assert.Equal(bytes, Convert.FromBase64String(SignalTypes.Tmk.Format(value)));
        // The parsed feature is the file's, read here independently of the reader.
        for (int i = 0; i < 256; i++)
            Assert.Equal(BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(TmkSamples.PureAverageOffset + 4 * i)), value.PureAverage[i]);
        Assert.Equal(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(28)), value.FrameFeatureCount);
    }

    [Fact]
    public void The_type_is_known_by_its_name_and_ncmec_spelling()
    {
        foreach (var name in new[] { "tmk", "TMK", "tmk_pdqf", "TMK_PDQF", "tmk+pdqf", "video_tmk_pdqf" })
        {
            Assert.True(SignalTypes.TryGet(name, out var type), name);
            Assert.Same(SignalTypes.Tmk, type);
        }
        Assert.Contains(SignalTypes.Tmk, SignalTypes.All);
    }

    [Fact]
    public void A_level1_only_value_parses_from_base64_and_from_numbers_to_the_same_stored_form()
    {
        var pure = TmkSamples.PureAverage(Sample);
        var expected = Convert.ToBase64String(TmkSamples.Level1OnlyFile(pure));

        var fromBase64 = SignalTypes.Tmk.TryNormalize(Convert.ToBase64String(pure), out var error);
        Assert.Null(error);
        Assert.Equal(expected, fromBase64);

        var numbers = TmkSamples.PureAverageNumbers(Sample);
        Assert.Equal(expected, SignalTypes.Tmk.TryNormalize(numbers, out error));
        Assert.Null(error);
        Assert.Equal(expected, SignalTypes.Tmk.TryNormalize(" " + numbers.Replace(",", ", ") + "\n", out error));
        Assert.Null(error);

        // The stored form is itself a value that normalises to itself.
        Assert.Equal(expected, SignalTypes.Tmk.TryNormalize(expected, out _));
        Assert.True(Safeguard.Signals.Tmk.TmkSignal.IsLevel1Only(SignalTypes.Tmk.Parse(expected)));
        Assert.False(Safeguard.Signals.Tmk.TmkSignal.IsLevel1Only(SignalTypes.Tmk.Parse(TmkSamples.Base64(Sample))));
    }

    [Fact]
    public void A_different_frame_rate_is_kept_not_refused()
    {
        var bytes = TmkSamples.Edited(Sample, b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(12), 30));
        var text = Convert.ToBase64String(bytes);
        Assert.Equal(text, SignalTypes.Tmk.TryNormalize(text, out var error));
        Assert.Null(error);
        Assert.Equal(30, SignalTypes.Tmk.Parse(text).FramesPerSecond);
    }

    public static TheoryData<string, string, string> HostileValues()
    {
        var full = TmkSamples.Base64(Sample);
        string B64(byte[] b) => Convert.ToBase64String(b);
        byte[] Edit(Action<byte[]> e) => TmkSamples.Edited(Sample, e);
        void Int(byte[] b, int at, int v) => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), v);
        var pureWithNaN = TmkSamples.PureAverage(Sample);
        BinaryPrimitives.WriteSingleLittleEndian(pureWithNaN.AsSpan(40), float.NaN);
        var numbers = TmkSamples.PureAverageNumbers(Sample).Split(',');
        var oversized = new byte[32 + 1024];
        TmkSamples.Header(oversized, "PDQF", 15, periods: 64, coefficients: 1024, dimension: 4096, frames: 1);

        return new()
        {
            { "empty", "", "empty" },
            { "blank", "  \t ", "empty" },
            { "base64 cut mid-quad", full[..^1], "base64" },
            { "base64 cut to half", full[..(full.Length / 2 / 4 * 4)], "truncated" },
            { "base64 with a stray character", full[..1000] + "*" + full[1001..], "base64" },
            { "not base64 at all", "not-a-hash!", "base64" },
            { "base64 of a few bytes", "bm90IGEgaGFzaA==", "too short" },
            { "a header only", B64(TmkSamples.Bytes(Sample)[..32]), "truncated" },
            { "shorter than a header", B64(TmkSamples.Bytes(Sample)[..20]), "too short" },
            { "another algorithm's magic", B64(Edit(b => "VPDQ"u8.CopyTo(b.AsSpan(8)))), "'VPDQ' is not supported" },
            { "not a tmk file", B64(Edit(b => "RIFFWAVE"u8.CopyTo(b))), "not a TMK feature-vector file" },
            { "a zero frame rate", B64(Edit(b => Int(b, 12, 0))), "frame rate 0" },
            { "absurd period count", B64(Edit(b => Int(b, 16, 1_000_000_000))), "header sizes out of range" },
            { "negative coefficient count", B64(Edit(b => Int(b, 20, -1))), "header sizes out of range" },
            { "zero dimension", B64(Edit(b => Int(b, 24, 0))), "header sizes out of range" },
            { "largest sizes the header allows", B64(oversized), "truncated" },
            { "a dimension the size disagrees with", B64(Edit(b => Int(b, 24, 128))), "bytes after the end" },
            { "a negative period", B64(Edit(b => Int(b, 32, -5))), "period 0" },
            { "NaN in the cosine features", B64(Edit(b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(TmkSamples.PureAverageOffset + 1024 + 8), float.NaN))), "cosine features" },
            { "infinity in the pure average", B64(Edit(b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(TmkSamples.PureAverageOffset), float.PositiveInfinity))), "not a finite number" },
            { "bytes after the end", B64([.. TmkSamples.Bytes(Sample), 0, 0, 0, 0]), "bytes after the end" },
            { "level-1 base64 with NaN", B64(pureWithNaN), "not a finite number" },
            { "level-1 numbers with NaN", string.Join(",", numbers.Select((n, i) => i == 7 ? "NaN" : n)), "not a finite number" },
            { "level-1 numbers with a word", string.Join(",", numbers.Select((n, i) => i == 9 ? "ten" : n)), "number 10 is not a number" },
            { "255 numbers", string.Join(",", numbers[1..]), "got 255" },
            { "257 numbers", string.Join(",", numbers) + ",0.5", "more than 256" },
            { "over-long text", new string('A', 600_000), "longer than" },
        };
    }

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_hostile_value_is_refused_with_a_reason(string what, string text, string reasonHas)
    {
        Assert.Null(SignalTypes.Tmk.TryNormalize(text, out var error));
        Assert.NotNull(error);
        Assert.Contains(reasonHas, error, StringComparison.Ordinal);
        Assert.StartsWith("tmk", error, StringComparison.Ordinal);
        Assert.True(error.Length < 300, $"{what}: the reason should be short, not {error.Length} characters");
        Assert.Throws<FormatException>(() => SignalTypes.Tmk.Parse(text));
    }

    [Fact]
    public void A_file_of_another_dimension_is_refused_even_when_it_is_well_formed()
    {
        // 248 dimensions and no periods makes exactly 1,024 bytes, the size of a bare level-1 feature.
        var file = new byte[32 + 248 * 4];
        TmkSamples.Header(file, "PDQF", 15, periods: 0, coefficients: 0, dimension: 248, frames: 3);
        Assert.Null(SignalTypes.Tmk.TryNormalize(Convert.ToBase64String(file), out var error));
        Assert.Contains("248-dimension", error, StringComparison.Ordinal);
    }
}
