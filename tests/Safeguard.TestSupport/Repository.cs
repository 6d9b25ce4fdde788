namespace Safeguard.TestSupport;

/// <summary>The checkout the tests were built from: the first folder above the output directory holding Safeguard.slnx.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Safeguard.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Safeguard.slnx above {AppContext.BaseDirectory}");
    }
}
