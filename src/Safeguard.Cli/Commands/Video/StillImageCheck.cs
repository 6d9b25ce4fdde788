using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;

namespace Safeguard.Cli.Commands.Video;

/// <summary>
/// FFmpeg reads a still image as a one-frame video, so `video hash photo.jpg` would print one
/// "frame" and succeed. Every video command refuses a file whose first bytes are a still image's
/// (an animated GIF is let through: FFmpeg plays it as the short video it is).
/// </summary>
public static class StillImageCheck
{
    /// <summary>"a JPEG image, not a video (...)", or null when the file may be a video.</summary>
    public static string? NotVideo(string path) =>
        StillImageFormat(path) is { } format ? $"a {format.ToString().ToUpperInvariant()} image, not a video (hash images with 'safeguard hash')" : null;

    private static ImageFormat? StillImageFormat(string path)
    {
        // Only regular files are sniffed: opening a FIFO would block. Read errors are the hasher's to report.
        if (!UnixFileType.IsRegularFile(path)) return null;
        var head = new byte[16];
        int n;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var format = ImageFormatSniffer.Sniff(head.AsSpan(0, n));
        return format is ImageFormat.Unknown or ImageFormat.Gif ? null : format;
    }
}
