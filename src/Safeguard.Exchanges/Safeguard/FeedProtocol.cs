using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Safeguard.Exchanges.Federation;

/// <summary>
/// The wire rules of a Safeguard federation feed, shared by the publisher and the subscriber
/// (docs/federation.md): headers, the exact bytes signed, checkpoints, key ids and key texts.
/// </summary>
public static class FeedProtocol
{
    /// <summary>The publisher's key id (16 hex digits) for the page's signature.</summary>
    public const string KeyIdHeader = "Safeguard-Feed-Key-Id";
    /// <summary>Base64 of the 64-byte Ed25519 signature over <see cref="PageSignedBytes"/>.</summary>
    public const string SignatureHeader = "Safeguard-Feed-Signature";
    /// <summary>Base64 of the 64-byte Ed25519 signature over <see cref="FeedbackSignedBytes"/>.</summary>
    public const string FeedbackSignatureHeader = "Safeguard-Feedback-Signature";

    /// <summary>The most entries one page may hold (a publisher caps its pages here; a subscriber refuses more).</summary>
    public const int MaxPageEntries = 10_000;

    /// <summary>How far a feedback's sent_at may be from the publisher's clock.</summary>
    public static readonly TimeSpan FeedbackClockSkew = TimeSpan.FromMinutes(10);

    private static readonly byte[] PageDomain = "safeguard-feed-page-v1\n"u8.ToArray();
    private static readonly byte[] FeedbackDomain = "safeguard-feed-feedback-v1\n"u8.ToArray();

    /// <summary>What a page's signature covers: "safeguard-feed-page-v1\n" then the response body, byte for byte.</summary>
    public static byte[] PageSignedBytes(ReadOnlySpan<byte> body) => [.. PageDomain, .. body];

    /// <summary>What a feedback's signature covers: "safeguard-feed-feedback-v1\n", the bank name, "\n", then the request body.</summary>
    public static byte[] FeedbackSignedBytes(string bank, ReadOnlySpan<byte> body) => [.. FeedbackDomain, .. Encoding.UTF8.GetBytes(bank + "\n"), .. body];

    /// <summary>"seq.entryId": where a subscriber is in a publisher's bank feed.</summary>
    public static string FormatCheckpoint(long seq, long entryId) =>
        seq.ToString(CultureInfo.InvariantCulture) + "." + entryId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses "seq.entryId" (two non-negative whole numbers); empty or null is the start, "0.0".</summary>
    public static bool TryParseCheckpoint(string? text, out long seq, out long entryId)
    {
        seq = entryId = 0;
        if (string.IsNullOrEmpty(text)) return true;
        if (text.Length > 41) return false;
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out seq)
            && long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out entryId);
    }

    /// <summary>Whether checkpoint <paramref name="next"/> is strictly after <paramref name="since"/>.</summary>
    public static bool Advances(string since, string next) =>
        TryParseCheckpoint(since, out var s1, out var e1) && TryParseCheckpoint(next, out var s2, out var e2)
        && (s2 > s1 || (s2 == s1 && e2 > e1));

    /// <summary>A key's id: the first 8 bytes (16 hex digits) of SHA-256 over its 32 raw bytes, as for audit checkpoints.</summary>
    public static string KeyId(PublicKey key) => Convert.ToHexStringLower(SHA256.HashData(key.Export(KeyBlobFormat.RawPublicKey)).AsSpan(0, 8));

    /// <summary>An Ed25519 public key given as PEM ("BEGIN PUBLIC KEY") or as base64 of its 32 raw bytes.</summary>
    public static PublicKey ParsePublicKey(string text, string source)
    {
        text = text.Trim();
        PublicKey? key = null;
        if (text.StartsWith("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
            PublicKey.TryImport(SignatureAlgorithm.Ed25519, Encoding.ASCII.GetBytes(text + "\n"), KeyBlobFormat.PkixPublicKeyText, out key);
        else
        {
            var raw = new byte[32];
            if (Convert.TryFromBase64String(text, raw, out int n) && n == 32)
                PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out key);
        }
        return key ?? throw new ExchangeException($"{source}: not an Ed25519 public key (expected PEM 'BEGIN PUBLIC KEY' or base64 of 32 bytes)");
    }

    /// <summary>An Ed25519 private key given as PEM ("BEGIN PRIVATE KEY", PKCS#8) or as base64 of its 32-byte seed.</summary>
    public static Key ParsePrivateKey(string text, string source)
    {
        text = text.Trim();
        var creation = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None };
        Key? key = null;
        if (text.StartsWith("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal))
            Key.TryImport(SignatureAlgorithm.Ed25519, Encoding.ASCII.GetBytes(text + "\n"), KeyBlobFormat.PkixPrivateKeyText, out key, creation);
        else
        {
            var raw = new byte[32];
            if (Convert.TryFromBase64String(text, raw, out int n) && n == 32)
                Key.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPrivateKey, out key, creation);
            CryptographicOperations.ZeroMemory(raw);
        }
        return key ?? throw new ExchangeException($"{source}: not an Ed25519 private key (expected PEM 'BEGIN PRIVATE KEY' or base64 of its 32-byte seed)");
    }

    /// <summary>A fresh key pair for a subscriber's feedback: the private seed (base64, secret) and the public key (base64 raw).</summary>
    public static (string PrivateBase64, string PublicBase64, string KeyId) NewKeyPair()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var seed = key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            return (Convert.ToBase64String(seed), Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)), KeyId(key.PublicKey));
        }
        finally { CryptographicOperations.ZeroMemory(seed); }
    }

    public static bool Verify(PublicKey key, ReadOnlySpan<byte> signedBytes, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(signatureBase64) || signatureBase64.Length > 200) return false;
        var sig = new byte[64];
        return Convert.TryFromBase64String(signatureBase64.Trim(), sig, out int n) && n == 64
            && SignatureAlgorithm.Ed25519.Verify(key, signedBytes, sig);
    }
}
