using System.Runtime.CompilerServices;

namespace Safeguard.Signals;

/// <summary>An exact digest of up to 32 bytes (MD5, SHA-1, SHA-256), held inline: a value, never hex.</summary>
public readonly struct Digest : IEquatable<Digest>
{
    public const int MaxBytes = 32;

    [InlineArray(MaxBytes)]
    private struct Bytes32 { private byte _b; }

    private readonly Bytes32 _bytes;

    public int Length { get; }

    public Digest(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes) throw new ArgumentException($"a digest has at most {MaxBytes} bytes, not {bytes.Length}", nameof(bytes));
        bytes.CopyTo(_bytes);
        Length = bytes.Length;
    }

    /// <summary>The bytes (a copy: the value stays immutable).</summary>
    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes)[..Length].ToArray();

    public override string ToString() => Convert.ToHexStringLower(((ReadOnlySpan<byte>)_bytes)[..Length]);

    public bool Equals(Digest other) =>
        Length == other.Length && ((ReadOnlySpan<byte>)_bytes)[..Length].SequenceEqual(((ReadOnlySpan<byte>)other._bytes)[..Length]);

    public override bool Equals(object? obj) => obj is Digest d && Equals(d);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(((ReadOnlySpan<byte>)_bytes)[..Length]);
        return h.ToHashCode();
    }

    public static bool operator ==(Digest a, Digest b) => a.Equals(b);
    public static bool operator !=(Digest a, Digest b) => !a.Equals(b);
}
