namespace Safeguard.Fuzz;

/// <summary>Where benign seed files are found: the repository (samples/, tests/, data/) and the shared test data.</summary>
public sealed record SeedSources(string RepositoryRoot, string TestData)
{
    /// <summary>Seeds larger than this are not copied: small inputs fuzz faster.</summary>
    public const long MaxSeedBytes = 32 * 1024;

    public static IEnumerable<(string Name, byte[] Bytes)> SmallFiles(string folder, string pattern, int max)
    {
        if (!Directory.Exists(folder)) yield break;
        var files = Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).Length <= MaxSeedBytes)
            .Order(StringComparer.Ordinal)
            .Take(max);
        foreach (var f in files) yield return (Path.GetFileName(f), File.ReadAllBytes(f));
    }
}
