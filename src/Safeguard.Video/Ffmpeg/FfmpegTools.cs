namespace Safeguard.Video.Ffmpeg;

/// <summary>
/// Finds the <c>ffmpeg</c> and <c>ffprobe</c> executables: <c>SAFEGUARD_FFMPEG</c> /
/// <c>SAFEGUARD_FFPROBE</c> when set, else the PATH. A missing tool is a clear error, not a crash.
/// </summary>
public static class FfmpegTools
{
    public static string Ffmpeg => Find("ffmpeg", "SAFEGUARD_FFMPEG");
    public static string Ffprobe => Find("ffprobe", "SAFEGUARD_FFPROBE");

    public static bool Available(out string? problem)
    {
        try { _ = Ffmpeg; _ = Ffprobe; problem = null; return true; }
        catch (VideoException ex) { problem = ex.Message; return false; }
    }

    private static string Find(string name, string envVar)
    {
        var configured = Environment.GetEnvironmentVariable(envVar);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (File.Exists(configured)) return configured;
            throw new VideoException($"{name} not found at {configured} ({envVar}); install FFmpeg (Debian: apt-get install ffmpeg)");
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new VideoException($"{name} not found on PATH; install FFmpeg (Debian: apt-get install ffmpeg) or set {envVar}");
    }
}
