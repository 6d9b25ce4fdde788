namespace Safeguard.Video.Tests;

/// <summary>Finds ../shared/testdata from the test's working directory.</summary>
public static class TestData
{
    public static string Root { get; } = Find();

    public static string Vpdq(string relative) => Path.Combine(Root, "vpdq", relative);
    public static string Pdq(string relative) => Path.Combine(Root, "pdq", relative);

    public static readonly string[] Videos =
    [
        "chair-19-sd-bar", "chair-20-sd-bar", "chair-22-sd-grey-bar", "chair-orig-22-sd-bar",
        "doorknob-hd-no-bar", "pattern-hd-no-bar", "pattern-sd-grey-bar", "test-padded-dimensions",
    ];

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(d.FullName, "shared", "testdata"), Path.Combine(d.FullName, "..", "shared", "testdata") })
                if (Directory.Exists(Path.Combine(candidate, "vpdq"))) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("shared/testdata not found beside the repository");
    }

    /// <summary>A fresh temporary directory, deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("safeguard-video-").FullName;
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }
}
