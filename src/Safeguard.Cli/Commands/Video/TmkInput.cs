using Safeguard.Hashing.Tmk;
using Safeguard.Video;
using Safeguard.Video.Tmk;

namespace Safeguard.Cli.Commands.Video;

/// <summary>The TMK of one command-line input: a <c>.tmk</c> file read, or a video hashed.</summary>
public static class TmkInput
{
    /// <summary>A <c>.tmk</c> file (by its name or its magic) is read, anything else hashed as a video; errors name the cause.</summary>
    public static TmkFeatures Load(string path, TmkOptions options) =>
        StartsWithTmkMagic(path) || path.EndsWith(".tmk", StringComparison.OrdinalIgnoreCase) ? TmkFile.ReadFile(path) : HashVideo(path, options);

    /// <summary>
    /// Hashes a video. A still image is refused: FFmpeg would turn it into a one-frame "video"
    /// whose TMK says nothing useful, and it belongs to <c>safeguard hash</c> (PDQ).
    /// </summary>
    public static TmkFeatures HashVideo(string path, TmkOptions options, CancellationToken cancel = default)
    {
        if (Directory.Exists(path)) throw new VideoException("a folder, not a video");
        if (StillImageCheck.NotVideo(path) is { } notVideo) throw new VideoException(notVideo);
        return TmkHasher.HashFile(path, options, cancel);
    }

    /// <summary>
    /// Said of a hash of one frame (at 15 fps: a video shorter than 1/15 s): its sine features are
    /// zero, so its level-2 score is about 0.5 even against itself (Meta's tool gives the same).
    /// </summary>
    public static string? ShortVideoNote(TmkFeatures f) => f.FrameFeatureCount == 1
        ? $"warning: only one frame at {TmkParameters.FramesPerSecond} fps; its level-2 score stays near 0.5 even against itself, so it can match at level 1 only"
        : null;

    private static bool StartsWithTmkMagic(string path) => ReadHead(path, 4) is { } head && head.AsSpan().StartsWith("TMK1"u8);

    /// <summary>The first bytes of a regular file; null for anything else (a FIFO would block), or when it cannot be read: the hasher says why.</summary>
    private static byte[]? ReadHead(string path, int count)
    {
        if (!Safeguard.Hashing.Files.UnixFileType.IsRegularFile(path)) return null;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var head = new byte[count];
            int n = fs.ReadAtLeast(head, count, throwOnEndOfStream: false);
            return head[..n];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
