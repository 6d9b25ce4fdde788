using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>Runs the real program for the TMK tests, and makes test inputs with FFmpeg.</summary>
public static class TmkCliRunner
{
    /// <summary>The real program (<see cref="SafeguardProcess"/>) with TMK's generous time limit for whole-video hashing.</summary>
    public static SafeguardProcess.Result Run(string[] args, IDictionary<string, string>? env = null, string? stdin = null, int timeoutMs = 300_000) =>
        SafeguardProcess.Run(args, stdin, timeoutMs: timeoutMs, env: env);

    private static readonly string[] QuietFfmpeg = ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"];

    /// <summary>Makes a test input with FFmpeg (lavfi sources: no real media involved).</summary>
    public static void Ffmpeg(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in QuietFfmpeg.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), "ffmpeg did not finish");
        Assert.True(p.ExitCode == 0, $"ffmpeg {string.Join(' ', args)}: {err.Result}");
    }
}
