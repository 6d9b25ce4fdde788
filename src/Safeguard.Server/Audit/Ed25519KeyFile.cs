using NSec.Cryptography;

namespace Safeguard.Server.Audit;

/// <summary>
/// An Ed25519 private key in a PEM (PKCS#8) file that only its owner may read: the audit signing
/// key and the feed signing key are both kept this way.
/// </summary>
internal static class Ed25519KeyFile
{
    /// <summary>Reads the key, creating the file first when <paramref name="create"/> and it does not exist.</summary>
    /// <param name="missingHint">What to tell the user when the file is missing and may not be created.</param>
    public static Key Open(string path, bool create, string missingHint)
    {
        if (!File.Exists(path))
        {
            if (!create) throw new FileNotFoundException($"no {missingHint}", path);
            Write(path);
        }
        var pem = File.ReadAllBytes(path);
        if (!Key.TryImport(SignatureAlgorithm.Ed25519, pem, KeyBlobFormat.PkixPrivateKeyText, out var key,
                new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }) || key is null)
            throw new IOException($"{path}: not an Ed25519 private key in PEM (PKCS#8)");
        return key;
    }

    private static void Write(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var fresh = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var pem = fresh.Export(KeyBlobFormat.PkixPrivateKeyText);
        // CreateNew with 0600 from the start: the secret is never readable by others, and a racing creator reads the winner's key.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var fs = new FileStream(path, options);
            fs.Write(pem);
            fs.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            // another process created it first
        }
    }
}
