using System.Globalization;
using System.Text.Json;

namespace Safeguard.Video.Ffmpeg;

/// <summary>What ffprobe says about a file's first video stream.</summary>
/// <param name="Rotation">Degrees of the stream's display-matrix rotation (0 when none); FFmpeg's autorotation applies it.</param>
public sealed record VideoInfo(int Width, int Height, double FrameRate, double DurationSeconds, string Codec, string Container, int Rotation = 0)
{
    public long Pixels => (long)Width * Height;
}

/// <summary>Runs ffprobe with a time limit and checks the answer before anything is decoded.</summary>
public static class VideoProbe
{
    /// <summary>Largest frame decoded by default: 8K UHD (7680x4320) plus headroom.</summary>
    public const long DefaultMaxPixels = 8192L * 8192;

    public static VideoInfo Probe(string path, TimeSpan timeout, long maxPixels = DefaultMaxPixels, CancellationToken cancel = default)
    {
        if (path != "-" && !path.Contains("://", StringComparison.Ordinal))
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new VideoException("no such file");
            if (info.Length == 0) throw new VideoException("empty file (0 bytes)");
        }
        string[] args =
        [
            "-v", "error", "-hide_banner", "-print_format", "json",
            "-show_entries", "stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,duration:stream_side_data=rotation:format=duration,format_name",
            "-i", path,
        ];
        using var p = FfmpegProcess.Start(FfmpegTools.Ffprobe, args);
        string json;
        var read = Task.Run(() => new StreamReader(p.StdoutStream).ReadToEnd());
        if (!read.Wait(timeout, cancel))
        {
            p.Kill();
            throw new VideoException($"ffprobe gave no answer within {timeout.TotalSeconds:0.#} s");
        }
        json = read.Result;
        int code = p.WaitForExit(TimeSpan.FromSeconds(5));
        if (code != 0)
            throw new VideoException($"not a readable video ({Clean(p.StderrTail, "ffprobe failed")})");
        return Parse(json, maxPixels);
    }

    internal static VideoInfo Parse(string json, long maxPixels)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string container = root.TryGetProperty("format", out var fmt) && fmt.TryGetProperty("format_name", out var fn) ? fn.GetString() ?? "" : "";
        double formatDuration = fmt.ValueKind == JsonValueKind.Object && fmt.TryGetProperty("duration", out var fd) ? ParseDouble(fd.GetString()) : 0;
        if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
            throw new VideoException("no streams (not a video)");
        foreach (var s in streams.EnumerateArray())
        {
            if (s.TryGetProperty("codec_type", out var ct) && ct.GetString() != "video") continue;
            int w = s.TryGetProperty("width", out var we) ? we.GetInt32() : 0;
            int h = s.TryGetProperty("height", out var he) ? he.GetInt32() : 0;
            string codec = s.TryGetProperty("codec_name", out var cn) ? cn.GetString() ?? "?" : "?";
            if (w <= 0 || h <= 0) throw new VideoException($"video stream ({codec}) has no valid size ({w}x{h})");
            if ((long)w * h > maxPixels || w > 65535 || h > 65535)
                throw new VideoException($"frame size {w}x{h} exceeds the limit of {maxPixels} pixels");
            double fps = Rate(s, "avg_frame_rate");
            if (fps <= 0 || fps > 1000) fps = Rate(s, "r_frame_rate");
            if (fps <= 0 || fps > 1000) fps = 0;
            double duration = s.TryGetProperty("duration", out var d) ? ParseDouble(d.GetString()) : 0;
            if (duration <= 0) duration = formatDuration;
            return new VideoInfo(w, h, fps, duration, codec, container, RotationOf(s));
        }
        throw new VideoException("no video stream (audio-only or data file)");
    }

    private static int RotationOf(JsonElement stream)
    {
        if (!stream.TryGetProperty("side_data_list", out var list) || list.ValueKind != JsonValueKind.Array) return 0;
        foreach (var item in list.EnumerateArray())
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("rotation", out var r) && r.TryGetDouble(out double degrees) && double.IsFinite(degrees))
                return (int)Math.Round(degrees);
        return 0;
    }

    private static double Rate(JsonElement s, string name)
    {
        if (!s.TryGetProperty(name, out var r)) return 0;
        var text = r.GetString() ?? "";
        int slash = text.IndexOf('/');
        if (slash < 0) return ParseDouble(text);
        double num = ParseDouble(text[..slash]), den = ParseDouble(text[(slash + 1)..]);
        return den > 0 ? num / den : 0;
    }

    private static double ParseDouble(string? s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : 0;

    internal static string Clean(string tail, string fallback) => string.IsNullOrWhiteSpace(tail) ? fallback : tail;
}
