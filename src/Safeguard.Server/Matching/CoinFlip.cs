using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Server.Matching;

/// <summary>
/// HMA's coin flip: one number r in [0, 1) per lookup request, and a bank takes part when its
/// matching ratio is at least r (so ratio 1 always does, ratio 0 practically never). A seed makes r
/// reproducible: the same seed gives the same r in every process and on every node.
/// </summary>
public static class CoinFlip
{
    /// <summary>The request's number: from the seed when one is given, else random.</summary>
    public static double Draw(string? seed)
    {
        if (seed is null) return Random.Shared.NextDouble();
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(seed), digest);
        // The top 53 bits as a fraction: uniform over [0, 1), as a double can hold.
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Whether a bank with this ratio takes part in a lookup that drew <paramref name="r"/>.</summary>
    public static bool TakesPart(double ratio, double r, bool bypass) => bypass || ratio >= r;
}
