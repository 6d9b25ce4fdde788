using System.Globalization;
using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Tmk;
using Safeguard.Video.Ffmpeg;

namespace Safeguard.Video.Tmk;

/// <summary>
/// TMK+PDQF of a video file, frame for frame as Meta's <c>tmk-hash-video</c> makes it: FFmpeg
/// scales to 64x64 RGB and resamples to 15 fps with exactly the reference's options, and each
/// frame's PDQF feature goes into a <see cref="TmkAccumulator"/>.
/// </summary>
public static class TmkHasher
{
    /// <summary>The reference's output options: size, no audio, raw RGB, 15 fps (FFmpeg's own frame dropping and duplication).</summary>
    public static IReadOnlyList<string> OutputArgs { get; } =
    [
        "-s", $"{TmkParameters.FrameSide}:{TmkParameters.FrameSide}", "-an", "-f", "rawvideo", "-c:v", "rawvideo",
        "-pix_fmt", "rgb24", "-r", TmkParameters.FramesPerSecond.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>Hashes one video file (or "-" for standard input). Throws <see cref="VideoException"/> naming the cause.</summary>
    public static TmkFeatures HashFile(string path, TmkOptions? options = null, CancellationToken cancel = default)
    {
        options ??= TmkOptions.Default;
        if (path != "-") CheckFile(path);
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", "error" };
        if (path != "-") args.Add("-nostdin");
        if (options.DecoderThreads > 0) args.AddRange(["-threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture)]);
        // The decoder refuses frames over the limit itself: no separate ffprobe pass per file.
        args.AddRange(["-max_pixels", Math.Min(options.MaxPixels, int.MaxValue).ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-i", path == "-" ? "pipe:0" : path]);
        args.AddRange(OutputArgs);
        args.Add("pipe:1");
        using var ffmpeg = FfmpegProcess.Start(FfmpegTools.Ffmpeg, args, inheritStdin: path == "-");
        var consumer = new TmkFrameConsumer(options.MaxFrames);
        try
        {
            consumer.ReadAll((buffer, c) => ffmpeg.ReadExactly(buffer, options.StallTimeout, c), cancel);
        }
        catch (VideoException)
        {
            ffmpeg.Kill();
            throw;
        }
        int code = ffmpeg.WaitForExit(TimeSpan.FromSeconds(10));
        if (code != 0 && consumer.Frames == 0) throw Explain(ffmpeg.StderrTail, code, options);
        return consumer.Finish(ffmpeg.StderrTail);
    }

    private static void CheckFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new VideoException("no such file");
        if (!Safeguard.Hashing.Files.UnixFileType.IsRegularFile(path)) throw new VideoException("not a regular file (FIFO, socket or device)");
        if (info.Length == 0) throw new VideoException("empty file (0 bytes)");
    }

    /// <summary>FFmpeg's own words for the usual failures, turned into the project's.</summary>
    private static VideoException Explain(string stderr, int code, TmkOptions options)
    {
        if (stderr.Contains("does not contain any stream", StringComparison.Ordinal) || stderr.Contains("matches no streams", StringComparison.Ordinal))
            return new VideoException("no video stream (audio-only or data file)");
        if (stderr.Contains("exceeds specified max pixel count", StringComparison.Ordinal))
            return new VideoException($"frame size exceeds the limit of {options.MaxPixels} pixels");
        return new VideoException($"decoding failed ({VideoProbe.Clean(stderr, $"ffmpeg exit code {code}")})");
    }
}

/// <summary>
/// Reads 64x64 RGB frames from a source (an FFmpeg pipe) into TMK features, one reused buffer,
/// no allocation per frame.
/// </summary>
public sealed class TmkFrameConsumer(long maxFrames)
{
    private readonly TmkAccumulator _accumulator = new();
    private readonly byte[] _frame = new byte[PdqFloat.FrameBytes];
    private readonly float[] _feature = new float[PdqFloat.Dimension];
    private readonly float[] _scratch = new float[PdqFloat.ScratchFloats];

    public int Frames => _accumulator.FrameCount;

    /// <summary>Reads frames until the source ends: <paramref name="read"/> fills the buffer and returns false at a clean end.</summary>
    public void ReadAll(Func<byte[], CancellationToken, bool> read, CancellationToken cancel)
    {
        while (read(_frame, cancel)) Add(_frame);
    }

    /// <summary>Adds one 64x64 RGB frame; past the frame limit, throws <see cref="VideoException"/>.</summary>
    public void Add(ReadOnlySpan<byte> rgb24)
    {
        if (_accumulator.FrameCount >= maxFrames)
            throw new VideoException($"more than {maxFrames} frames at {TmkParameters.FramesPerSecond} fps; the video is longer than the TMK limit");
        PdqFloat.FromRgb24(rgb24, _feature, _scratch);
        _accumulator.Add(_feature);
    }

    public TmkFeatures Finish(string stderrTail = "")
    {
        if (_accumulator.FrameCount == 0)
            throw new VideoException($"no frame could be decoded ({VideoProbe.Clean(stderrTail, "empty video")})");
        return _accumulator.Finish();
    }
}
