namespace Safeguard.Benchmarks;

/// <summary>
/// The shared reference test data (../shared/testdata beside the repository, or SAFEGUARD_TESTDATA),
/// found by walking up from the output directory as the tests do. BenchmarkDotNet runs each
/// benchmark from a generated folder below this project's output, so the walk still finds it.
/// </summary>
public static class TestData
{
    public const string Variable = "SAFEGUARD_TESTDATA";

    public static string Root { get; } = Find();

    public static string PdqFile(string relative) => Path.Combine(Root, "pdq", relative);
    public static string VpdqFile(string relative) => Path.Combine(Root, "vpdq", relative);

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

    /// <summary>The reference hash of a PDQ test image, from expected-reference.csv.</summary>
    public static string ExpectedPdqHash(string relative)
    {
        foreach (var line in File.ReadLines(Path.Combine(Root, "pdq", "expected-reference.csv")).Skip(1))
        {
            var cells = line.Split(',');
            if (cells[0] == relative) return cells[1];
        }
        throw new InvalidDataException($"{relative} is not in expected-reference.csv");
    }
}
