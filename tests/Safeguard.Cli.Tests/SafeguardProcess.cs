using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>Runs the real `safeguard` program built beside the tests.</summary>
public static class SafeguardProcess
{
    public sealed record Result(int Exit, string Out, string Err, TimeSpan Elapsed)
    {
        public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(string[] args, string? stdin = null, string? runAsUser = null, int timeoutMs = 120_000, string? workingDirectory = null,
        IDictionary<string, string>? env = null)
    {
        var dll = Path.Combine(runAsUser is null ? AppContext.BaseDirectory : WorldReadableAppDir.Value, "safeguard.dll");
        ProcessStartInfo psi;
        if (runAsUser is null)
        {
            psi = new ProcessStartInfo("dotnet");
        }
        else
        {
            psi = new ProcessStartInfo("runuser");
            foreach (var a in new[] { "-u", runAsUser, "--", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet" }) psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = psi.RedirectStandardError = psi.RedirectStandardInput = true;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        var sw = Stopwatch.StartNew();
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
        return new Result(p.ExitCode, stdout.Result, stderr.Result, sw.Elapsed);
    }

    /// <summary>
    /// The program's folder as another user can reach it: the build output itself when every
    /// folder above it lets others in, otherwise a copy under /tmp (a checkout may sit under a
    /// private home or workspace folder).
    /// </summary>
    private static readonly Lazy<string> WorldReadableAppDir = new(() =>
    {
        var baseDir = AppContext.BaseDirectory.TrimEnd('/');
        bool reachable = true;
        for (var d = new DirectoryInfo(baseDir); d is not null; d = d.Parent)
            if (!d.UnixFileMode.HasFlag(UnixFileMode.OtherExecute) || !d.UnixFileMode.HasFlag(UnixFileMode.OtherRead)) reachable = false;
        if (reachable) return baseDir;
        var copy = Path.Combine(Path.GetTempPath(), "safeguard-app-" + Environment.ProcessId);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(copy, recursive: true); } catch (IOException) { }
        };
        string ownNatives = "runtimes/linux-" + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant() + "/";
        foreach (var file in Directory.EnumerateFiles(baseDir, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(baseDir, file);
            // Other platforms' native libraries (most of the folder) are not needed to run here.
            if (relative.StartsWith("runtimes/", StringComparison.Ordinal) && !relative.StartsWith(ownNatives, StringComparison.Ordinal)
                && !relative.StartsWith("runtimes/unix/", StringComparison.Ordinal)) continue;
            var target = Path.Combine(copy, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
        var mode = (UnixFileMode)Convert.ToInt32("755", 8);
        File.SetUnixFileMode(copy, mode);
        foreach (var dir in Directory.EnumerateDirectories(copy, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(dir, mode);
        return copy;
    });

    /// <summary>Parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks).</summary>
    public static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                row.Add(field.ToString()); field.Clear();
                rows.Add([.. row]); row.Clear();
            }
            else if (c != '\r') field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }

}
