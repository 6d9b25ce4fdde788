using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>Runs the real program for the TMK tests, with extra environment variables and a generous time limit.</summary>
public static class TmkCliRunner
{
    public sealed record Result(int Exit, string Out, string Err)
    {
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(string[] args, IDictionary<string, string>? env = null, string? stdin = null, int timeoutMs = 300_000)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"safeguard {string.Join(' ', args)} did not finish within {timeoutMs} ms");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

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
