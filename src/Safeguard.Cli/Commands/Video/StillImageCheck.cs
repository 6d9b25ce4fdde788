using Safeguard.Hashing.Imaging;
using Safeguard.Video;

namespace Safeguard.Cli.Commands.Video;

/// <summary>
/// FFmpeg reads a still image as a one-frame video, so `video hash photo.jpg` used to print one
/// "frame" and succeed. A file whose first bytes are a still image's is refused instead (an
/// animated GIF is let through: FFmpeg plays it as the short video it is).
/// </summary>
public static class StillImageCheck
{
    /// <summary>Why the file is no video ("not a video: a JPEG image; ..."), or null to hash it.</summary>
    public static string? NotVideo(string path)
    {
        if (!File.Exists(path) || VideoFiles.LooksLikeVideo(path)) return null;
        Span<byte> head = stackalloc byte[512];
        int n;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the hasher reports the read error itself
        }
        var format = ImageFormatSniffer.Sniff(head[..n]);
        return format is ImageFormat.Unknown or ImageFormat.Gif ? null
            : $"not a video: a {format.ToString().ToUpperInvariant()} image (use 'safeguard hash' or 'safeguard match' for images)";
    }
}
