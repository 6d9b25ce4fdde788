namespace Safeguard.TestSupport;

/// <summary>
/// The shared reference test data (../shared/testdata beside the repository, or SAFEGUARD_TESTDATA),
/// found by walking up from the test's output directory.
/// </summary>
public static class TestData
{
    public const string Variable = "SAFEGUARD_TESTDATA";

    public static string Root { get; } = Find();

    /// <summary>Meta's PDQ reference images and expected hashes.</summary>
    public static string Pdq => Path.Combine(Root, "pdq");

    /// <summary>Meta's vPDQ reference videos and sample hashes.</summary>
    public static string Vpdq => Path.Combine(Root, "vpdq");

    /// <summary>Meta's TMK+PDQF sample hashes (<c>.tmk</c>) of the vPDQ videos, and its pair scores.</summary>
    public static string Tmk => Path.Combine(Root, "tmk");

    public static string PdqFile(string relative) => Path.Combine(Pdq, relative);
    public static string TmkFile(string relative) => Path.Combine(Tmk, relative);
    public static string VpdqFile(string relative) => Path.Combine(Vpdq, relative);

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(env) ? Path.GetFullPath(env) : throw new DirectoryNotFoundException($"{Variable}={env} is not a directory");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "testdata"), Path.Combine(dir.FullName, "..", "shared", "testdata") })
                if (Directory.Exists(Path.Combine(candidate, "pdq"))) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException($"shared/testdata not found beside the repository above {AppContext.BaseDirectory} (set {Variable})");
    }

    /// <summary>Rows of a CSV file with a header (no quoted fields), as dictionaries keyed by column name.</summary>
    public static IEnumerable<Dictionary<string, string>> ReadCsv(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine()!.Split(',');
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            var row = new Dictionary<string, string>();
            for (int i = 0; i < header.Length; i++) row[header[i]] = cells[i];
            yield return row;
        }
    }
}
