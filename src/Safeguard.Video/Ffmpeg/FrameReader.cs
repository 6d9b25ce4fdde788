using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Safeguard.Video.Ffmpeg;

/// <summary>How to run the decoder for one source.</summary>
public sealed record FrameReaderOptions
{
    /// <summary>Options placed before <c>-i</c> (decoder and demuxer options).</summary>
    public IReadOnlyList<string> InputArgs { get; init; } = [];
    /// <summary>The video filter chain before the final conversion to RGBA, or null for every frame.</summary>
    public string? Filter { get; init; }
    /// <summary>Frame size when known (files, after ffprobe); otherwise read from FFmpeg's output description.</summary>
    public int Width { get; init; }
    public int Height { get; init; }
    public long MaxPixels { get; init; } = VideoProbe.DefaultMaxPixels;
    /// <summary>Report each frame's presentation time (parsed from the showinfo filter).</summary>
    public bool Timestamps { get; init; }
    /// <summary>No decoded data for this long kills the decoder with a timeout error.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Swscale flags of the YUV-to-RGB conversion; vPDQ uses area.</summary>
    public string SwsFlags { get; init; } = "area+accurate_rnd";
    public int DecoderThreads { get; init; }
    /// <summary>
    /// A second output from the same decode: the decoded stream is split, and this output's
    /// options (size, rate, pixel format) are written to <see cref="SecondOutputTarget"/>.
    /// </summary>
    public IReadOnlyList<string>? SecondOutputArgs { get; init; }
    /// <summary>Where the second output goes (an FFmpeg URL such as <c>unix:/path</c>).</summary>
    public string? SecondOutputTarget { get; init; }
}

/// <summary>
/// Decodes a video with an FFmpeg child process into RGBA frames at native resolution, one
/// buffer at a time (no per-frame allocation). Reads FFmpeg's standard error concurrently.
/// </summary>
public sealed partial class FrameReader : IDisposable
{
    private readonly FfmpegProcess _process;
    private readonly FrameReaderOptions _options;
    private readonly BlockingCollection<double> _pts = new();
    private readonly TaskCompletionSource<(int W, int H)> _size = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _source;
    private bool _inOutputSection;

    public int Width { get; private set; }
    public int Height { get; private set; }
    public int FrameBytes => Width * Height * 4;
    public long FramesRead { get; private set; }

    private FrameReader(string source, FrameReaderOptions options)
    {
        _source = source;
        _options = options;
        var args = new List<string> { "-hide_banner", "-nostats", "-loglevel", options.Timestamps || options.Width == 0 ? "info" : "error" };
        if (source != "-") args.Add("-nostdin");
        args.AddRange(["-noautorotate"]);
        if (options.DecoderThreads > 0) args.AddRange(["-threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(options.InputArgs);
        args.AddRange(["-i", source == "-" ? "pipe:0" : source]);
        var chain = new List<string>();
        if (options.Filter is { Length: > 0 } f) chain.Add(f);
        if (options.Timestamps) chain.Add("showinfo");
        // Same-size scale: only the YUV-to-RGB conversion, with vPDQ's swscale flags; it also pins
        // the output size if the stream changes resolution part-way.
        chain.Add(options.Width > 0
            ? $"scale=w={options.Width}:h={options.Height}:flags={options.SwsFlags}"
            : $"scale=flags={options.SwsFlags}");
        chain.Add("format=rgba");
        if (options.SecondOutputArgs is { } second && options.SecondOutputTarget is { } target)
        {
            // One decode, two outputs: the split copies frame references, not pixels.
            args.AddRange(["-filter_complex", $"[0:v:0]split=2[main][second];[main]{string.Join(',', chain)}[out]",
                "-map", "[out]", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1",
                "-map", "[second]"]);
            args.AddRange(second);
            args.Add(target);
        }
        else
        {
            args.AddRange(["-map", "0:v:0", "-an", "-sn", "-dn", "-fps_mode", "passthrough",
                "-vf", string.Join(',', chain), "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"]);
        }
        if (options.Width > 0) { Width = options.Width; Height = options.Height; _size.TrySetResult((Width, Height)); }
        _process = FfmpegProcess.Start(FfmpegTools.Ffmpeg, args, inheritStdin: source == "-", onStderrLine: OnStderr);
    }

    public static FrameReader Open(string source, FrameReaderOptions options) => new(source, options);

    public string StderrTail => _process.StderrTail;

    private void OnStderr(string line)
    {
        if (_options.Timestamps && line.Contains("Parsed_showinfo", StringComparison.Ordinal))
        {
            var m = ShowinfoPts().Match(line);
            if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
                _pts.Add(t);
            return;
        }
        if (line.StartsWith("Output #0", StringComparison.Ordinal)) _inOutputSection = true;
        else if (_inOutputSection && line.Contains("Video: rawvideo", StringComparison.Ordinal))
        {
            var m = OutputSize().Match(line);
            if (m.Success && int.TryParse(m.Groups[1].Value, out int w) && int.TryParse(m.Groups[2].Value, out int h))
                _size.TrySetResult((w, h));
        }
    }

    /// <summary>
    /// Waits for FFmpeg to describe its output (streams whose size is not known up front).
    /// Throws on timeout, on an absurd size, or when FFmpeg exits first.
    /// </summary>
    public void WaitForSize(TimeSpan timeout, CancellationToken cancel)
    {
        if (Width > 0) return;
        var deadline = DateTime.UtcNow + timeout;
        while (!_size.Task.IsCompleted)
        {
            cancel.ThrowIfCancellationRequested();
            if (DateTime.UtcNow > deadline)
            {
                _process.Kill();
                throw new TimeoutException($"no video within {timeout.TotalSeconds:0.#} s ({VideoProbe.Clean(StderrTail, "no output from ffmpeg")})");
            }
            if (_process.HasExited && !_size.Task.IsCompleted)
            {
                _process.WaitForExit(TimeSpan.FromSeconds(2));
                if (_size.Task.IsCompleted) break;
                throw new VideoException($"no decodable video ({VideoProbe.Clean(StderrTail, "ffmpeg exited")})");
            }
            _size.Task.Wait(50, CancellationToken.None);
        }
        var (w, h) = _size.Task.Result;
        if (w <= 0 || h <= 0 || (long)w * h > _options.MaxPixels)
        {
            _process.Kill();
            throw new VideoException($"frame size {w}x{h} is outside the limit of {_options.MaxPixels} pixels");
        }
        Width = w; Height = h;
    }

    /// <summary>
    /// Reads the next frame into <paramref name="frame"/> (at least <see cref="FrameBytes"/> long).
    /// Returns false at the end of the video. <paramref name="pts"/> is the presentation time in
    /// seconds when timestamps were requested, else NaN.
    /// </summary>
    public bool Next(Span<byte> frame, out double pts, CancellationToken cancel = default)
    {
        pts = double.NaN;
        if (Width == 0) WaitForSize(_options.StallTimeout, cancel);
        if (!_process.ReadExactly(frame[..FrameBytes], _options.StallTimeout, cancel)) return false;
        FramesRead++;
        if (_options.Timestamps && !_pts.TryTake(out pts, 5000, cancel)) pts = double.NaN;
        return true;
    }

    /// <summary>After the last frame: throws when FFmpeg failed (corrupt or truncated input with no frame at all, etc.).</summary>
    public void Finish()
    {
        int code = _process.WaitForExit(TimeSpan.FromSeconds(10));
        if (code != 0 && FramesRead == 0)
            throw new VideoException($"decoding failed ({VideoProbe.Clean(StderrTail, $"ffmpeg exit code {code}")})");
    }

    public void Kill() => _process.Kill();

    public void Dispose()
    {
        _process.Dispose();
        _pts.Dispose();
    }

    [GeneratedRegex(@"pts_time:\s*(-?[0-9.eE+-]+)")]
    private static partial Regex ShowinfoPts();

    [GeneratedRegex(@", (\d+)x(\d+)")]
    private static partial Regex OutputSize();
}
