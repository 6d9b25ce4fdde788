namespace Safeguard.Hashing.Tests;

/// <summary>Locates the shared reference test data beside the repository.</summary>
public static class TestData
{
    public static string Root { get; } = Find();

    public static string Pdq => Path.Combine(Root, "pdq");

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("SAFEGUARD_TESTDATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "..", "shared", "testdata");
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("shared/testdata not found beside the repository (set SAFEGUARD_TESTDATA)");
    }

    /// <summary>Rows of a CSV file with a header, as dictionaries keyed by column name.</summary>
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
