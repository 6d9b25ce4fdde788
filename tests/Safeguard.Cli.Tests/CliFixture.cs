using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>A temporary folder with a SQLite bank database, and the real `safeguard` process to run against it.</summary>
public class CliFixture : IDisposable
{
    public readonly string Dir = Directory.CreateTempSubdirectory("safeguard-cli-").FullName;
    public string Db => Path.Combine(Dir, "banks.db");

    public virtual void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    public (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var p = Process.Start(StartInfo([.. args, "--db", Db]))!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(300_000), "safeguard did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public (int Exit, string Out, string Err) RunOk(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.Exit == 0, $"safeguard {string.Join(' ', args)} exited {r.Exit}: {r.Err}");
        return r;
    }

    /// <summary>Waits (up to 60 s) until a started `safeguard serve` answers its readiness check.</summary>
    public static async Task WaitReadyAsync(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"{url}/v1/health/ready")).StatusCode == System.Net.HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Assert.True(DateTime.UtcNow < deadline, "the server did not become ready");
            await Task.Delay(250);
        }
    }

    /// <summary>The shared reference PDQ data (see Safeguard.TestSupport.TestData).</summary>
    public static string Pdq => TestData.Pdq;

    /// <summary>Meta's reference PDQ hashes and qualities, by path relative to pdq/.</summary>
    public static Dictionary<string, (string Pdq, int Quality)> Reference { get; } =
        File.ReadLines(Path.Combine(Pdq, "expected-reference.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => (f[1], int.Parse(f[2])));

    /// <summary>The reference's 8 dihedral hashes per image.</summary>
    public static Dictionary<string, string[]> ReferenceDihedral { get; } =
        File.ReadLines(Path.Combine(Pdq, "expected-reference-dihedral.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => f[1..9]);

    public static int Distance(string a, string b)
    {
        var x = Convert.FromHexString(a);
        var y = Convert.FromHexString(b);
        int d = 0;
        for (int i = 0; i < x.Length; i++) d += System.Numerics.BitOperations.PopCount((uint)(x[i] ^ y[i]));
        return d;
    }

    /// <summary>CSV rows (no quoted fields in these tests) as dictionaries keyed by the header.</summary>
    public static List<Dictionary<string, string>> Rows(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(',')).Select(f => header.Zip(f).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
