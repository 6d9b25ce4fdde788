using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Video.Vpdq;

namespace Safeguard.Video;

/// <summary>Recognises video files by their first bytes and hashes them inside the image file pipeline.</summary>
public static class VideoFiles
{
    /// <summary>MP4/MOV/3GP, Matroska/WebM, AVI, FLV (the image sniffer's list), plus MPEG-TS, MPEG-PS and ASF/WMV.</summary>
    public static bool LooksLikeVideo(ReadOnlySpan<byte> b) =>
        ImageFormatSniffer.LooksLikeVideo(b)
        || (b.Length >= 377 && b[0] == 0x47 && b[188] == 0x47 && b[376] == 0x47)
        || (b.Length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 0xBA)
        || (b.Length >= 4 && b[0] == 0x30 && b[1] == 0x26 && b[2] == 0xB2 && b[3] == 0x75);

    public static bool LooksLikeVideo(string path)
    {
        // Opening a FIFO or device would block or never end: only regular files are sniffed.
        if (!UnixFileType.IsRegularFile(path)) return false;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Span<byte> head = stackalloc byte[512];
            int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return LooksLikeVideo(head[..n]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Adds the vPDQ of a video held in memory (an archive member) through an in-memory file, so
    /// nothing is written to disk. Where that is not possible the result keeps its exact hashes
    /// and says why.
    /// </summary>
    public static void AddVpdq(FileHashResult result, ReadOnlySpan<byte> bytes, VpdqOptions videoOptions, CancellationToken cancel = default)
    {
        MemoryFile file;
        try { file = MemoryFile.Create("safeguard-video", bytes); }
        catch (IOException ex)
        {
            result.IsVideo = true;
            result.Error = $"video: not hashed in memory: {ex.Message}";
            return;
        }
        using (file) AddVpdq(result, file.Path, videoOptions, cancel);
    }

    /// <summary>Adds a video's vPDQ to a result that already has its exact hashes (the MD5 is the video_md5 signal).</summary>
    public static void AddVpdq(FileHashResult result, string path, VpdqOptions videoOptions, CancellationToken cancel = default)
    {
        var video = VpdqHasher.HashFile(path, videoOptions with { ComputeMd5 = false }, cancel);
        result.IsVideo = true;
        result.Pdq = null;
        result.DihedralHashes = null;
        if (video.Failed)
        {
            result.Error = $"video: {video.Error}";
            return;
        }
        result.Error = null;
        result.Width = video.Info!.Width;
        result.Height = video.Info.Height;
        result.VideoFrames = WithoutRepeats(video.Frames);
        result.Tmk = video.Tmk;
        result.VpdqFrames = video.Frames.Count;
    }

    /// <summary>The frames with each one equal to the frame before it left out (vPDQ de-duplicates anyway), renumbered in order.</summary>
    public static List<VpdqFrame> WithoutRepeats(IReadOnlyList<VpdqFrame> frames)
    {
        var kept = new List<VpdqFrame>(frames.Count);
        Hash256? previous = null;
        foreach (var f in frames)
        {
            if (previous == f.Hash) continue;
            previous = f.Hash;
            // Timestamps to the millisecond, as the compact text form writes them: every entry point then reports the same times.
            kept.Add(f with { FrameNumber = kept.Count, Timestamp = Math.Round(f.Timestamp, 3) });
        }
        return kept;
    }
}
