using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>Runs the real `safeguard` program built beside the tests.</summary>
public static class SafeguardProcess
{
    public sealed record Result(int Exit, string Out, string Err, TimeSpan Elapsed)
    {
        public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Run(string[] args, string? stdin = null, string? runAsUser = null, int timeoutMs = 120_000)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "safeguard.dll");
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

    public static string TestDataPdq()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(d.FullName, "shared", "testdata", "pdq"), Path.Combine(d.FullName, "..", "shared", "testdata", "pdq") })
                if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("shared/testdata not found");
    }
}
