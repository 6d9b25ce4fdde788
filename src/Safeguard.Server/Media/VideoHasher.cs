using Safeguard.Hashing.Pdq;
using Safeguard.Engine.Media;
using Safeguard.Hashing.Files;
using Safeguard.Video;
using Safeguard.Video.Ffmpeg;
using Safeguard.Video.Vpdq;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Media;

/// <summary>
/// Hashes uploaded videos (exact hashes and a fast 1 fps vPDQ) from memory, never from disk.
/// Decoding is CPU-heavy and slow, so it runs on its own threads, not the request thread pool, a
/// few at a time, and gives up after a time limit.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its AvailableWaitHandle is used, and it never is here.")]
public sealed class VideoHasher(HasherPool hashers, int maxConcurrent, TimeSpan timeout)
{
    /// <summary>What `match` and `scan` use: vPDQ at 1 fps and TMK+PDQF (the pool's hashers follow <see cref="ServerOptions.Tmk"/>).</summary>
    public static readonly VpdqOptions Options = MediaHasher.MatchVideo;

    private static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _slots = new(Math.Max(1, maxConcurrent), Math.Max(1, maxConcurrent));

    public static bool LooksLikeVideo(ReadOnlySpan<byte> bytes) => VideoFiles.LooksLikeVideo(bytes);

    /// <summary>The file's exact hashes and vPDQ; a video that does not decode is a 422 naming it.</summary>
    public async Task<FileHashResult> HashAsync(byte[] bytes, string name, CancellationToken requestAborted)
    {
        if (!await _slots.WaitAsync(QueueWait, requestAborted))
            throw new ServiceBusyException("server busy: too many videos being hashed; retry shortly", TimeSpan.FromSeconds(1));
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            limit.CancelAfter(timeout);
            var result = await Task.Factory.StartNew(() =>
            {
                return hashers.HashVideo(bytes, name, limit.Token);
            }, limit.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            if (result.VideoFrames is null || result.VpdqFrames == 0)
                throw new UnprocessableMediaException($"'{name}' looks like a video but could not be decoded ({WithoutMemoryPath(result.Error ?? "no frames", name)}); nothing was stored");
            return result;
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            throw new ProcessingTimeoutException($"'{name}': hashing the video took longer than {timeout.TotalSeconds:0} s; nothing was stored");
        }
        finally { _slots.Release(); }
    }

    /// <summary>
    /// The frame at <paramref name="seconds"/> as PNG, read from memory like the hash; null when it
    /// cannot be had (no free decoder slot soon, a decode error, too slow): the caller then keeps hashes only.
    /// </summary>
    public async Task<byte[]?> FrameAsPngAsync(byte[] bytes, double seconds, CancellationToken requestAborted)
    {
        try
        {
            if (!await _slots.WaitAsync(QueueWait, requestAborted)) return null;
        }
        catch (OperationCanceledException) { return null; }
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            limit.CancelAfter(timeout);
            return await Task.Factory.StartNew(() =>
            {
                using var file = MemoryFile.Create("safeguard-video-frame", bytes);
                return VideoStill.ReadAt(file.Path, seconds, timeout, Options.MaxPixels, limit.Token).ToPng();
            }, limit.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is VideoException or TimeoutException or IOException or OperationCanceledException
            or ArgumentException or System.Text.Json.JsonException)
        {
            return null;
        }
        finally { _slots.Release(); }
    }

    /// <summary>FFmpeg names the in-memory file by its /proc path; the caller knows it by its own name.</summary>
    private static string WithoutMemoryPath(string error, string name) =>
        System.Text.RegularExpressions.Regex.Replace(error, @"/proc/\d+/fd/\d+", name);
}
