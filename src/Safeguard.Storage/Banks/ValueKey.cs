using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Storage.Banks;

/// <summary>
/// The indexed form of an entry's value. Short values (every image hash) are their own key;
/// long ones (a video's vPDQ frame list runs to hundreds of kilobytes) are keyed by their
/// SHA-256, because PostgreSQL's B-tree refuses index rows over about 2.7 KB. Queries compare
/// the key through the index and then the value itself, so a digest can never match wrongly.
/// The entries table stores only digests (value_key is null for short values) and indexes
/// COALESCE(value_key, value), so a bank of image hashes carries no second copy of each hash.
/// </summary>
internal static class ValueKey
{
    public const int MaxInline = 128;
    private const string DigestPrefix = "sha256:";

    /// <summary>What the entries table stores in value_key: null when the value is its own key.</summary>
    public static string? Stored(string value)
    {
        string key = Of(value);
        return ReferenceEquals(key, value) ? null : key;
    }

    public static string Of(string value)
    {
        if (value.Length <= MaxInline && !value.StartsWith(DigestPrefix, StringComparison.Ordinal)) return value;
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        return DigestPrefix + Convert.ToHexStringLower(digest);
    }
}
