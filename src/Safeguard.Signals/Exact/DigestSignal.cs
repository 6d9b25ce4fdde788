namespace Safeguard.Signals.Exact;

/// <summary>Which digest of a file's bytes a signal is.</summary>
public enum DigestAlgorithm
{
    Md5,
    Sha1,
    Sha256,
    /// <summary>A digest Safeguard does not compute itself (a type registered by a list or a later version).</summary>
    Other,
}

/// <summary>
/// An exact signal: a digest written as fixed-length hex. Matches when equal. Several types may
/// share one algorithm (md5 and video_md5 are both the MD5 of a whole file).
/// </summary>
public abstract class DigestSignal(string name, DigestAlgorithm algorithm, int byteLength, params string[] aliases)
    : SignalType<Digest>(name, SignalKind.Exact, aliases)
{
    public DigestAlgorithm Algorithm { get; } = algorithm;

    public int ByteLength { get; } = byteLength;

    public int HexLength => ByteLength * 2;

    public override bool TryParse(ReadOnlySpan<char> text, out Digest value, out string? error)
    {
        value = default;
        text = text.Trim();
        if (text.Length != HexLength)
        {
            error = $"{Name} hash must be {HexLength} hex digits, got {text.Length} characters";
            return false;
        }
        for (int i = 0; i < text.Length; i++)
            if (!char.IsAsciiHexDigit(text[i]))
            {
                error = $"{Name} hash has a non-hex character at position {i + 1}";
                return false;
            }
        Span<byte> bytes = stackalloc byte[ByteLength];
        Convert.FromHexString(text, bytes, out _, out _);
        value = new Digest(bytes);
        error = null;
        return true;
    }

    public override string Format(in Digest value) => value.ToString();
}

/// <summary>A fixed-length hex signal Safeguard only stores and compares (registered at run time, or read from a newer store).</summary>
public sealed class OtherDigestSignal(string name, int byteLength) : DigestSignal(name, DigestAlgorithm.Other, byteLength);
