using System.Text;
using NSec.Cryptography;
using Safeguard.Exchanges.Federation;

namespace Safeguard.Server.Feeds;

/// <summary>
/// The publisher's Ed25519 key that signs feed pages: a PKCS#8 PEM file created on first use with
/// permissions 0600, as the audit signing key is, but a separate key (a subscriber pins this one;
/// the audit key stays with auditors). Its id (<see cref="FeedProtocol.KeyId"/>) is the feed id.
/// </summary>
public sealed class FeedSigningKey : IDisposable
{
    private readonly Key _key;

    private FeedSigningKey(Key key, string path)
    {
        _key = key;
        Path = path;
        Id = FeedProtocol.KeyId(key.PublicKey);
        PublicRaw = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        PublicPem = Encoding.ASCII.GetString(key.PublicKey.Export(KeyBlobFormat.PkixPublicKeyText));
    }

    public string Path { get; }
    public string Id { get; }
    public byte[] PublicRaw { get; }
    public string PublicBase64 => Convert.ToBase64String(PublicRaw);
    public string PublicPem { get; }

    /// <summary>Beside a SQLite database ("safeguard.db.feed-signing.key"); for PostgreSQL, the per-user data directory.</summary>
    public static string DefaultPath(string db) => Safeguard.Storage.ConnectionStrings.IsPostgres(db)
        ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Safeguard.Storage.Banks.BankStores.DefaultSqlitePath())!, "feed-signing.key")
        : System.IO.Path.GetFullPath(db) + ".feed-signing.key";

    /// <summary>Reads the key, creating it first when <paramref name="create"/> and the file does not exist.</summary>
    public static FeedSigningKey Open(string path, bool create) =>
        new(Audit.Ed25519KeyFile.Open(path, create, $"feed signing key at {path} (the server creates it on first start; or pass --feed-key)"), path);

    /// <summary>The signature (base64) of a page body, over <see cref="FeedProtocol.PageSignedBytes"/>.</summary>
    public string SignPage(ReadOnlySpan<byte> body) => Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(_key, FeedProtocol.PageSignedBytes(body)));

    public void Dispose() => _key.Dispose();
}
