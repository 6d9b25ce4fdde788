using Safeguard.Hashing.Pdq;

namespace Safeguard.Signals.Pdq;

/// <summary>
/// PDQ, Meta's 256-bit perceptual image hash (64 hex digits). Near when the Hamming distance is
/// within the threshold; hashes of low quality (flat or tiny images) are not matched by default.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Read through the registered signal instance (SignalTypes.Pdq.DefaultThreshold) like every signal type's settings.")]
public sealed class PdqSignal() : SignalType<Hash256>("pdq", SignalKind.Perceptual, "photo_pdq", "pdq_photo")
{
    /// <summary>Meta's recommended match distance.</summary>
    public int DefaultThreshold => PdqResult.DefaultMatchThreshold;

    /// <summary>The highest threshold accepted: past a quarter of the bits, unrelated images start to match.</summary>
    public int MaxThreshold => PdqResult.MaxMatchThreshold;

    /// <summary>Hashes of lower quality (0..100) are not matched unless a policy says otherwise.</summary>
    public int DefaultMinQuality => PdqResult.MinimumUsefulQuality;

    public override bool TryParse(ReadOnlySpan<char> text, out Hash256 value, out string? error)
    {
        text = text.Trim();
        value = default;
        if (text.Length != Hash256.HexLength)
        {
            error = $"{Name} hash must be {Hash256.HexLength} hex digits, got {text.Length} characters";
            return false;
        }
        for (int i = 0; i < text.Length; i++)
            if (!char.IsAsciiHexDigit(text[i]))
            {
                error = $"{Name} hash has a non-hex character at position {i + 1}";
                return false;
            }
        value = Hash256.Parse(text);
        error = null;
        return true;
    }

    public override string Format(in Hash256 value) => value.ToString();

    /// <summary>Checks a threshold given by a user or a request.</summary>
    public string? CheckThreshold(int threshold) =>
        threshold is >= 0 and <= PdqResult.MaxMatchThreshold ? null : $"threshold must be 0..{PdqResult.MaxMatchThreshold}, not {threshold}";
}
