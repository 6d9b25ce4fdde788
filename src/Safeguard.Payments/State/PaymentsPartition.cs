using System.Text;

namespace Safeguard.Payments.State;

/// <summary>
/// Part <see cref="Index"/> of <see cref="Count"/>: the senders whose name hashes (32-bit FNV-1a of the
/// UTF-8 bytes) to <see cref="Index"/> modulo <see cref="Count"/>. Every row of a sender goes to one
/// worker, so each sender's rows keep their order.
/// </summary>
public readonly record struct PaymentsPartition(int Index, int Count)
{
    public static PaymentsPartition All => new(0, 1);

    /// <summary>"K/N" with 0 ≤ K &lt; N.</summary>
    public static PaymentsPartition Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int k) && int.TryParse(parts[1], out int n) && n >= 1 && k >= 0 && k < n)
            return new PaymentsPartition(k, n);
        throw new FormatException($"'{text}' is not a partition K/N with 0 <= K < N");
    }

    public bool Contains(ReadOnlySpan<char> sender) => Count <= 1 || Fnv1a(sender) % (uint)Count == (uint)Index;

    public static uint Fnv1a(ReadOnlySpan<char> text)
    {
        uint hash = 2166136261;
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            int n = rune.EncodeToUtf8(bytes);
            for (int i = 0; i < n; i++) hash = (hash ^ bytes[i]) * 16777619;
        }
        return hash;
    }

    public override string ToString() => $"{Index}/{Count}";
}
