namespace Safeguard.Video.Tests;

/// <summary>The reference videos in the shared test data (vpdq/videos, with hashes in vpdq/sample-hashes).</summary>
public static class SampleVideos
{
    public static readonly string[] Names =
    [
        "chair-19-sd-bar", "chair-20-sd-bar", "chair-22-sd-grey-bar", "chair-orig-22-sd-bar",
        "doorknob-hd-no-bar", "pattern-hd-no-bar", "pattern-sd-grey-bar", "test-padded-dimensions",
    ];
}

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("safeguard-video-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
