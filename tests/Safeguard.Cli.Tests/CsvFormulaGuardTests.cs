using System.Diagnostics;
using System.Security.Cryptography;

namespace Safeguard.Cli.Tests;

/// <summary>CSV outputs opened in a spreadsheet must not run a file name or a bank's text as a formula.</summary>
public sealed class CsvFormulaGuardTests : CliFixture
{
    private const string HostileName = "=cmd|' -C calc'!A0.jpg";
    private const string HostileId = "@SUM(1+1)*cmd|' /C calc'!A0";
    private static readonly string Aaa = Path.Combine(Pdq, "bridge-mods/aaa-orig.jpg");

    private (int Exit, string Out, string Err) RunIn(string cwd, params string[] args)
    {
        var psi = StartInfo([.. args, "--db", Db]);
        psi.WorkingDirectory = cwd;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(300_000), "safeguard did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>What a spreadsheet would treat as a formula: a cell starting with = + - @ (or tab, CR).</summary>
    private static bool Formula(string cell) => cell.Length > 0 && "=+-@\t\r".Contains(cell[0]);

    [Fact]
    public void File_names_and_bank_text_are_guarded_in_scan_hash_match_and_bank_csv()
    {
        var ev = Path.Combine(Dir, "ev");
        Directory.CreateDirectory(ev);
        var bytes = File.ReadAllBytes(Aaa);
        File.WriteAllBytes(Path.Combine(ev, HostileName), bytes);
        RunOk("bank", "create", "ref");
        // Imported from a list (on the command line, '@...' would be read as a response file).
        var list = Path.Combine(Dir, "list.csv");
        File.WriteAllText(list, $"signal_type,signal,content_id\nmd5,{Convert.ToHexStringLower(MD5.HashData(bytes))},\"{HostileId}\"\n");
        RunOk("bank", "import", "ref", list);

        var outDir = Path.Combine(Dir, "out");
        var scan = RunIn(ev, "scan", HostileName, "--out", outDir, "--bank", "ref");
        Assert.True(scan.Exit == 0, scan.Err);
        var rows = SafeguardProcess.ParseCsv(File.ReadAllText(Path.Combine(outDir, "files.csv")));
        var header = rows[0];
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal("'" + HostileName, row[0]);
        Assert.Equal("'" + HostileId, row[Array.IndexOf(header, "content_ids")]);
        Assert.DoesNotContain(rows.SelectMany(x => x), Formula);

        var hash = RunIn(ev, "hash", HostileName, "--signals", "md5");
        Assert.Equal(0, hash.Exit);
        Assert.Equal("'" + HostileName, SafeguardProcess.ParseCsv(hash.Out)[1][0]);

        var match = RunIn(ev, "match", HostileName, "--bank", "ref");
        var matchRows = SafeguardProcess.ParseCsv(match.Out);
        Assert.Equal("'" + HostileName, matchRows[1][0]);
        Assert.DoesNotContain(matchRows.SelectMany(x => x), Formula);

        var export = Run("bank", "export", "ref", "-", "--format", "csv");
        Assert.Equal(0, export.Exit);
        var exported = SafeguardProcess.ParseCsv(export.Out);
        Assert.Equal("'" + HostileId, exported[1][2]);
        // Read back, the content id is the one added, without its guard.
        var file = Path.Combine(Dir, "ref.csv");
        File.WriteAllText(file, export.Out);
        RunOk("bank", "create", "copy");
        RunOk("bank", "import", "copy", file);
        Assert.Equal(export.Out, Run("bank", "export", "copy", "-", "--format", "csv").Out);
    }
}
