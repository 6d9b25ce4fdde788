using System.Buffers.Binary;
using System.Globalization;
using Safeguard.Hashing.Tmk;

namespace Safeguard.Signals.Tmk;

/// <summary>
/// TMK+PDQF, Meta's temporal-match-kernel video hash. A value is a whole <c>.tmk</c> file in
/// base64 (263,344 bytes: level 1 and level 2), or a level-1-only value: the 256-float
/// pure-average feature alone, accepted as base64 of its 1,024 little-endian bytes or as 256
/// comma-separated numbers, and kept as a <c>.tmk</c> with no periods. Two videos match when
/// the level-1 score (cosine of the averages) and, where both have it, the level-2 score reach
/// their thresholds.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Read through the registered signal instance like every signal type's settings.")]
public sealed class TmkSignal() : SignalType<TmkFeatures>("tmk", SignalKind.Video, "tmk_pdqf", "tmk+pdqf", "video_tmk_pdqf")
{
    /// <summary>Longest accepted text: a standard file's base64 (351,128 characters) with room to spare.</summary>
    public const int MaxTextLength = 512 * 1024;

    public float DefaultLevel1Threshold => TmkParameters.DefaultLevel1Threshold;
    public float DefaultLevel2Threshold => TmkParameters.DefaultLevel2Threshold;

    public override bool TryParse(ReadOnlySpan<char> text, out TmkFeatures value, out string? error)
    {
        value = null!;
        error = null;
        text = text.Trim();
        if (text.IsEmpty) { error = "tmk value is empty"; return false; }
        if (text.Length > MaxTextLength) { error = $"tmk value longer than {MaxTextLength} characters"; return false; }
        if (text.Contains(',')) return TryParseNumbers(text, out value, out error);
        var bytes = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64Chars(text, bytes, out int n))
        { error = "tmk value is neither valid base64 (truncated or corrupt?) nor 256 comma-separated numbers"; return false; }
        var span = bytes.AsSpan(0, n);
        // 1,024 bytes is also the size of a (non-PDQF) file of 248 dimensions: the magic tells them apart.
        if (n == TmkParameters.Dimension * 4 && !span.StartsWith("TMK1FVEC"u8))
        {
            var floats = new float[TmkParameters.Dimension];
            for (int i = 0; i < floats.Length; i++) floats[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
            return TryLevel1Only(floats, out value, out error);
        }
        TmkFeatures file;
        try
        {
            file = TmkFile.Read(span, "tmk value");
        }
        catch (TmkFormatException ex)
        {
            error = ex.Message;
            return false;
        }
        // PDQF frame features are 256 floats: a value of another dimension could never be scored against a video.
        if (file.Dimension != TmkParameters.Dimension)
        {
            error = $"tmk value has a {file.Dimension}-dimension frame feature; PDQF's has {TmkParameters.Dimension}";
            return false;
        }
        value = file;
        return true;
    }

    public override string Format(in TmkFeatures value) => Convert.ToBase64String(TmkFile.ToBytes(value));

    /// <summary>A value holding only the pure-average feature (level-1 matching only).</summary>
    public static bool IsLevel1Only(TmkFeatures value) => value.Periods.Length == 0 || value.FourierCoefficients.Length == 0;

    /// <summary>
    /// A value's level-1 form as text: what names a video compactly (1,400 characters, not 351,000)
    /// where its whole value is too long to repeat, as in match records and suppressions.
    /// </summary>
    public string Level1Text(TmkFeatures value) => Format(IsLevel1Only(value) ? value : Level1Only(value.PureAverage));

    /// <summary>The level-1-only value of a pure-average feature.</summary>
    public static TmkFeatures Level1Only(float[] pureAverage) =>
        new(TmkParameters.PdqfAlgorithm, TmkParameters.FramesPerSecond, 0, [], [], pureAverage, [], []);

    private static bool TryParseNumbers(ReadOnlySpan<char> text, out TmkFeatures value, out string? error)
    {
        value = null!;
        var floats = new float[TmkParameters.Dimension];
        int n = 0;
        foreach (var range in text.Split(','))
        {
            if (n == floats.Length) { error = $"tmk pure-average feature has more than {floats.Length} numbers"; return false; }
            if (!float.TryParse(text[range].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out floats[n]))
            { error = $"tmk pure-average feature: number {n + 1} is not a number"; return false; }
            n++;
        }
        if (n != floats.Length) { error = $"tmk pure-average feature needs {floats.Length} numbers, got {n}"; return false; }
        return TryLevel1Only(floats, out value, out error);
    }

    private static bool TryLevel1Only(float[] floats, out TmkFeatures value, out string? error)
    {
        value = null!;
        foreach (float f in floats)
            if (!float.IsFinite(f)) { error = "tmk pure-average feature holds a value that is not a finite number"; return false; }
        error = null;
        value = Level1Only(floats);
        return true;
    }
}
