using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>Runs the real `safeguard` binary against a temporary SQLite database.</summary>
public sealed class BankCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-cli-").FullName;
    private string Db => Path.Combine(_dir, "banks.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Run(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--db");
        psi.ArgumentList.Add(Db);
        using var p = Process.Start(psi)!;
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "safeguard did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private const string Md5 = "d41d8cd98f00b204e9800998ecf8427e";
    private const string Sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";

    [Fact]
    public void Import_export_and_exit_codes()
    {
        Assert.Equal(0, Run(null, "bank", "create", "list-a", "--verified").Exit);
        Assert.Equal(2, Run(null, "bank", "create", "list-a").Exit);

        var list = Path.Combine(_dir, "list.txt");
        File.WriteAllText(list, $"# test\n{Md5}\nnot-a-hash\nsha1 {Sha1}\n");
        var import = Run(null, "bank", "import", "list-a", list);
        Assert.Equal(1, import.Exit);
        Assert.Contains($"{list}:3:", import.Err);
        Assert.Contains("added 2", import.Out);
        Assert.Contains("added 0", Run(null, "bank", "import", "list-a", list).Out);

        var csv = Run(null, "bank", "export", "list-a", "-", "--format", "csv");
        Assert.Equal(0, csv.Exit);
        Assert.Equal(["signal_type,signal,content_id,category,grade,tags", $"md5,{Md5},,,,", $"sha1,{Sha1},,,,"],
            csv.Out.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));

        // A replacing import from stdin: sha1 left the list.
        var replace = Run($"md5 {Md5}\n", "bank", "import", "list-a", "-", "--replace");
        Assert.Equal(0, replace.Exit);
        Assert.Contains("disabled 1", replace.Out);
        Assert.Equal($"md5 {Md5}\n", Run(null, "bank", "export", "list-a", "-").Out);

        var broken = Path.Combine(_dir, "broken.json");
        File.WriteAllText(broken, "{\"value\": [{\"MD5\": \"" + Sha1);
        var failed = Run(null, "bank", "import", "list-a", broken);
        Assert.Equal(1, failed.Exit);
        Assert.Contains("broken.json", failed.Err);

        Assert.Equal(2, Run(null, "bank", "show", "missing").Exit);
        Assert.Equal(2, Run(null, "bank", "add", "list-a", "xyz").Exit);
        Assert.Equal(2, Run(null, "bank", "delete", "list-a").Exit);
        Assert.Equal(0, Run(null, "bank", "delete", "list-a", "--yes").Exit);
        Assert.Contains("no banks", Run(null, "bank", "list").Out);
    }
}
