using System.Globalization;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Safeguard.Video.Ffmpeg;

/// <summary>One decoded frame of a video: RGBA rows with no padding, and the time it was asked for.</summary>
public sealed record VideoStill(int Width, int Height, byte[] Rgba, double Seconds)
{
    /// <summary>
    /// The frame shown at <paramref name="seconds"/> from the start, as vPDQ times it (the first frame
    /// is 0). FFmpeg seeks accurately: it decodes from the keyframe before and drops the frames
    /// before the time, so only a little of the video is decoded.
    /// </summary>
    /// <exception cref="VideoException">The file does not decode, or has no frame at that time.</exception>
    /// <exception cref="TimeoutException">FFmpeg stalled for longer than <paramref name="timeout"/>.</exception>
    public static VideoStill ReadAt(string path, double seconds, TimeSpan timeout, long maxPixels = VideoProbe.DefaultMaxPixels,
        CancellationToken cancel = default)
    {
        if (!(seconds >= 0) || double.IsInfinity(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds));
        var info = VideoProbe.Probe(path, timeout, maxPixels, cancel);
        // Half a frame early: a frame stamped a hair before the time (timestamp rounding) is still the one meant.
        double seek = info.FrameRate > 0 ? Math.Max(0, seconds - 0.5 / info.FrameRate) : seconds;
        using var reader = FrameReader.Open(path, new FrameReaderOptions
        {
            InputArgs = ["-ss", seek.ToString("0.######", CultureInfo.InvariantCulture)],
            Width = info.Width,
            Height = info.Height,
            MaxPixels = maxPixels,
            StallTimeout = timeout,
        });
        var rgba = new byte[reader.FrameBytes];
        if (!reader.Next(rgba, out _, cancel))
        {
            reader.Finish();
            throw new VideoException($"no frame at {seconds.ToString("0.###", CultureInfo.InvariantCulture)} s (the video is shorter)");
        }
        reader.Kill(); // one frame is all that is wanted
        return new VideoStill(info.Width, info.Height, rgba, seconds);
    }

    /// <summary>The frame as a lossless PNG.</summary>
    public byte[] ToPng()
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        Marshal.Copy(Rgba, 0, bitmap.GetPixels(), Width * Height * 4);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 6) ?? throw new VideoException("the frame could not be encoded as PNG");
        return data.ToArray();
    }
}
