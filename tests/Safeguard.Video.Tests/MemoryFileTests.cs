using Safeguard.Hashing.Files;
using Safeguard.Video.Vpdq;

namespace Safeguard.Video.Tests;

/// <summary>Videos held in memory (archive members) reach FFmpeg through a memfd, never the disk.</summary>
public sealed class MemoryFileTests
{
    [Fact]
    public void TheFileHoldsTheBytesUntilDisposed()
    {
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var name = $"test-{Guid.NewGuid():N}";
        string path;
        using (var file = MemoryFile.Create(name, bytes))
        {
            path = file.Path;
            Assert.StartsWith("/proc/", path);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.Contains(name, File.ResolveLinkTarget(path, returnFinalTarget: false)!.FullName, StringComparison.Ordinal);
        }
        // Tests running in parallel may reuse the descriptor number at once, so the path can exist again;
        // what must be gone is this memory file.
        Assert.False(LinkTarget(path)?.Contains(name, StringComparison.Ordinal) == true, "the memory file outlived its disposal");
    }

    private static string? LinkTarget(string path)
    {
        try { return File.ResolveLinkTarget(path, returnFinalTarget: false)?.FullName; }
        catch (IOException) { return null; }
    }

    [Fact]
    public void A_video_in_memory_hashes_as_the_same_file_on_disk()
    {
        var path = TestData.VpdqFile("videos/pattern-hd-no-bar.mp4");
        var options = VpdqOptions.Default with { Fast = true, ComputeMd5 = false };
        var fromDisk = new FileHashResult { Path = path };
        VideoFiles.AddVpdq(fromDisk, path, options);
        var inMemory = new FileHashResult { Path = "member" };
        VideoFiles.AddVpdq(inMemory, File.ReadAllBytes(path), options);
        Assert.Null(fromDisk.Error);
        Assert.Null(inMemory.Error);
        Assert.NotNull(fromDisk.VideoFrames);
        Assert.Equal(fromDisk.VideoFrames, inMemory.VideoFrames!);
    }

    [Fact]
    public void Garbage_in_memory_is_a_clear_video_error()
    {
        var result = new FileHashResult { Path = "member" };
        VideoFiles.AddVpdq(result, new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', 1, 2, 3 }, VpdqOptions.Default with { Fast = true });
        Assert.True(result.IsVideo);
        Assert.StartsWith("video:", result.Error);
    }
}
