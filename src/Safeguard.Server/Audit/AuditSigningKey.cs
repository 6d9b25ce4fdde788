using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using Safeguard.Storage.Banks;

namespace Safeguard.Server.Audit;

/// <summary>
/// The Ed25519 public key that checks audit checkpoints. Its id is the first 8 bytes (16 hex digits)
/// of SHA-256 over the 32 raw public key bytes, so an auditor can compute it with standard tools.
/// </summary>
public sealed class AuditPublicKey
{
    private readonly PublicKey _key;

    private AuditPublicKey(PublicKey key)
    {
        _key = key;
        Raw = key.Export(KeyBlobFormat.RawPublicKey);
        Id = Convert.ToHexStringLower(SHA256.HashData(Raw).AsSpan(0, 8));
    }

    public byte[] Raw { get; }
    public string Id { get; }

    /// <summary>The key as PEM (SubjectPublicKeyInfo), which `openssl pkeyutl -verify -pubin` reads.</summary>
    public string Pem => Encoding.ASCII.GetString(_key.Export(KeyBlobFormat.PkixPublicKeyText));

    internal static AuditPublicKey Of(PublicKey key) => new(key);

    /// <summary>A key given as PEM text, or as the base64 of the 32 raw bytes.</summary>
    public static AuditPublicKey Parse(string text, string source)
    {
        text = text.Trim();
        PublicKey? key;
        if (text.StartsWith("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
            PublicKey.TryImport(SignatureAlgorithm.Ed25519, Encoding.ASCII.GetBytes(text + "\n"), KeyBlobFormat.PkixPublicKeyText, out key);
        else
        {
            var raw = new byte[32];
            key = Convert.TryFromBase64String(text, raw, out int n) && n == 32
                && PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var k) ? k : null;
        }
        return key is null
            ? throw new ArgumentException($"{source}: not an Ed25519 public key (expected PEM 'BEGIN PUBLIC KEY' or base64 of 32 bytes)")
            : new AuditPublicKey(key);
    }

    /// <summary>Whether the checkpoint was signed by this key (its key id and its signature).</summary>
    public bool Verifies(AuditCheckpoint checkpoint) =>
        checkpoint.KeyId == Id && checkpoint.Signature.Length == 64
        && SignatureAlgorithm.Ed25519.Verify(_key, checkpoint.SignedBytes(), checkpoint.Signature);
}

/// <summary>
/// The private key that signs audit checkpoints: a PKCS#8 PEM file, created on first use with
/// permissions 0600. Back it up and, ideally, keep it off the database host: whoever holds it can
/// sign a checkpoint for any state of the log.
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    private readonly Key _key;

    private AuditSigningKey(Key key, string path)
    {
        _key = key;
        Path = path;
        Public = AuditPublicKey.Of(key.PublicKey);
    }

    public string Path { get; }
    public AuditPublicKey Public { get; }

    /// <summary>$XDG_DATA_HOME/safeguard/audit-signing.key (beside the default database).</summary>
    public static string DefaultPath() =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Safeguard.Storage.Banks.BankStores.DefaultSqlitePath())!, "audit-signing.key");

    /// <summary>Reads the key, or creates it when <paramref name="create"/> and the file does not exist.</summary>
    public static AuditSigningKey Open(string path, bool create) =>
        new(Ed25519KeyFile.Open(path, create, $"audit signing key at {path} (the server creates it on first start; or pass --audit-key)"), path);

    public AuditCheckpoint Sign(string logId, long seq, string hash, DateTimeOffset time)
    {
        time = DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds()); // the line carries whole seconds
        var text = AuditCheckpoint.SignedTextOf(logId, seq, hash, time, Public.Id);
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, Encoding.UTF8.GetBytes(text));
        return new AuditCheckpoint(logId, seq, hash, time, Public.Id, signature);
    }

    public void Dispose() => _key.Dispose();
}
