using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Safeguard.Hashing.Pdq;

/// <summary>
/// A 256-bit PDQ hash. Bit k (0..255) is bit (k &amp; 63) of word k / 64, which matches the
/// reference layout of sixteen 16-bit words: the hex form prints word 3 first, so the text is
/// the reference's "word 15 down to word 0".
/// </summary>
public readonly struct Hash256 : IEquatable<Hash256>
{
    public const int Bits = 256;
    public const int HexLength = 64;

    public readonly ulong W0, W1, W2, W3;

    public Hash256(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        W0 = w0; W1 = w1; W2 = w2; W3 = w3;
    }

    public static Hash256 Zero => default;

    public bool IsZero => (W0 | W1 | W2 | W3) == 0;

    public bool GetBit(int k) => ((Word(k >> 6) >> (k & 63)) & 1) != 0;

    public ulong Word(int i) => i switch { 0 => W0, 1 => W1, 2 => W2, 3 => W3, _ => throw new ArgumentOutOfRangeException(nameof(i)) };

    /// <summary>The 16-bit slice s (0..15): bits 16s..16s+15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort Slice16(int s) => (ushort)(Word(s >> 2) >> ((s & 3) * 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DistanceTo(in Hash256 other) =>
        BitOperations.PopCount(W0 ^ other.W0) + BitOperations.PopCount(W1 ^ other.W1)
        + BitOperations.PopCount(W2 ^ other.W2) + BitOperations.PopCount(W3 ^ other.W3);

    public static int Distance(in Hash256 a, in Hash256 b) => a.DistanceTo(b);

    public int PopCount =>
        BitOperations.PopCount(W0) + BitOperations.PopCount(W1) + BitOperations.PopCount(W2) + BitOperations.PopCount(W3);

    public Hash256 Xor(in Hash256 other) => new(W0 ^ other.W0, W1 ^ other.W1, W2 ^ other.W2, W3 ^ other.W3);

    public Hash256 WithBitFlipped(int k) => (k >> 6) switch
    {
        0 => new(W0 ^ (1UL << (k & 63)), W1, W2, W3),
        1 => new(W0, W1 ^ (1UL << (k & 63)), W2, W3),
        2 => new(W0, W1, W2 ^ (1UL << (k & 63)), W3),
        _ => new(W0, W1, W2, W3 ^ (1UL << (k & 63))),
    };

    public override string ToString() => string.Create(HexLength, this, static (span, h) => h.TryFormat(span));

    /// <summary>Writes the 64 lower-case hex digits into <paramref name="dest"/>.</summary>
    public bool TryFormat(Span<char> dest)
    {
        if (dest.Length < HexLength) return false;
        W3.TryFormat(dest[..16], out _, "x16", CultureInfo.InvariantCulture);
        W2.TryFormat(dest.Slice(16, 16), out _, "x16", CultureInfo.InvariantCulture);
        W1.TryFormat(dest.Slice(32, 16), out _, "x16", CultureInfo.InvariantCulture);
        W0.TryFormat(dest.Slice(48, 16), out _, "x16", CultureInfo.InvariantCulture);
        return true;
    }

    public static Hash256 Parse(ReadOnlySpan<char> hex) =>
        TryParse(hex, out var h) ? h : throw new FormatException($"not a 64-digit hex PDQ hash: '{Shorten(hex)}'");

    public static bool TryParse(ReadOnlySpan<char> hex, out Hash256 hash)
    {
        hash = default;
        hex = hex.Trim();
        if (hex.Length != HexLength) return false;
        if (!TryHex64(hex[..16], out var w3) || !TryHex64(hex.Slice(16, 16), out var w2)
            || !TryHex64(hex.Slice(32, 16), out var w1) || !TryHex64(hex.Slice(48, 16), out var w0))
            return false;
        hash = new Hash256(w0, w1, w2, w3);
        return true;
    }

    private static bool TryHex64(ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        foreach (var c in s)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            value = (value << 4) | (uint)d;
        }
        return true;
    }

    private static string Shorten(ReadOnlySpan<char> s) => s.Length <= 80 ? s.ToString() : s[..77].ToString() + "...";

    public bool Equals(Hash256 other) => W0 == other.W0 && W1 == other.W1 && W2 == other.W2 && W3 == other.W3;
    public override bool Equals(object? obj) => obj is Hash256 h && Equals(h);
    public override int GetHashCode() => HashCode.Combine(W0, W1, W2, W3);
    public static bool operator ==(Hash256 a, Hash256 b) => a.Equals(b);
    public static bool operator !=(Hash256 a, Hash256 b) => !a.Equals(b);
}
