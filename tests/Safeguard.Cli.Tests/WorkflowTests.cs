using System.Diagnostics;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>
/// The README's bank, match and scan workflow through the real program, once on SQLite and once
/// on the PostgreSQL server test.sh starts: same commands, same answers.
/// </summary>
public sealed class WorkflowTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-flow-").FullName;
    private string? _schema;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        if (_schema is not null) Postgres.DropSchemaAsync(_schema).GetAwaiter().GetResult();
    }

    private string Database(string backend)
    {
        if (backend == "sqlite") return Path.Combine(_dir, "banks.db");
        (_schema, var cs) = Postgres.CreateSchemaAsync("flow_").GetAwaiter().GetResult();
        return cs;
    }

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void BankMatchAndScanBehaveTheSameOnBothStores(string backend)
    {
        var db = Database(backend);
        var pdq = CliFixture.Pdq;
        string orig = Path.Combine(pdq, "bridge-mods", "aaa-orig.jpg");
        string blurred = Path.Combine(pdq, "bridge-mods", "blur-a-lot.jpg");
        string other = Path.Combine(pdq, "reg-test-input", "labelme-subset", "q2821.jpg");
        string refOrig = CliFixture.Reference["bridge-mods/aaa-orig.jpg"].Pdq;
        string md5Other = Md5(other);

        (int Exit, string Out, string Err) Sg(params string[] args)
        {
            var r = SafeguardProcess.Run([.. args, "--db", db]);
            return (r.Exit, r.Out, r.Err);
        }

        Assert.Equal(0, Sg("bank", "create", "known", "--verified").Exit);
        var list = Path.Combine(_dir, "known.csv");
        File.WriteAllText(list, $"signal_type,signal,content_id,category,grade,tags\npdq,{refOrig},bridge-1,1,A,demo\nmd5,{md5Other},street-1,2,,\n");
        var import = Sg("bank", "import", "known", list);
        Assert.Equal(0, import.Exit);
        Assert.Contains("added 2", import.Out);
        Assert.Contains("added 0", Sg("bank", "import", "known", list).Out);

        // Round trip through every export format into fresh banks.
        foreach (var format in new[] { "plain", "csv", "vics" })
        {
            var file = Path.Combine(_dir, $"export.{format}");
            Assert.Equal(0, Sg("bank", "export", "known", file, "--format", format).Exit);
            Assert.Equal(0, Sg("bank", "create", $"copy-{format}").Exit);
            Assert.Equal(0, Sg("bank", "import", $"copy-{format}", file, "--format", format).Exit);
            var back = Sg("bank", "export", $"copy-{format}", "-", "--format", "plain").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order();
            Assert.Equal([$"md5 {md5Other}", $"pdq {refOrig}"], back);
            Assert.Equal(0, Sg("bank", "delete", $"copy-{format}", "--yes").Exit);
        }

        // match: the blurred copy by PDQ within 31, the street by MD5, with the bank's metadata.
        var match = Sg("match", blurred, other, "--bank", "known", "--format", "jsonl");
        Assert.Equal(0, match.Exit);
        var rows = match.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, rows.Count);
        var pdqRow = rows.Single(r => r.GetProperty("signal_type").GetString() == "pdq");
        string blurredHash = CliFixture.Reference["bridge-mods/blur-a-lot.jpg"].Pdq;
        Assert.Equal(Distance(blurredHash, refOrig), pdqRow.GetProperty("distance").GetInt32());
        Assert.Equal("bridge-1", pdqRow.GetProperty("content_id").GetString());
        Assert.Equal("street-1", rows.Single(r => r.GetProperty("signal_type").GetString() == "md5").GetProperty("content_id").GetString());

        // Disabling removes the hit; enabling brings it back; removing ends it.
        Assert.Equal(0, Sg("bank", "disable", "known", $"md5:{md5Other}", "--reason", "false positive").Exit);
        Assert.DoesNotContain("street-1", Sg("match", other, "--bank", "known").Out);
        Assert.Equal(0, Sg("bank", "enable", "known", $"md5:{md5Other}").Exit);
        Assert.Contains("street-1", Sg("match", other, "--bank", "known").Out);

        // scan: a folder with both images and a copy, against the same store.
        var evidence = Path.Combine(_dir, "evidence");
        Directory.CreateDirectory(evidence);
        File.Copy(blurred, Path.Combine(evidence, "a.jpg"));
        File.Copy(blurred, Path.Combine(evidence, "a-copy.jpg"));
        File.Copy(other, Path.Combine(evidence, "b.jpg"));
        var outDir = Path.Combine(_dir, "case");
        Assert.Equal(0, Sg("scan", evidence, "--out", outDir, "--bank", "known").Exit);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var text = summary.RootElement.ToString();
        Assert.Contains("\"known\"", text);
        var files = File.ReadAllLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.Contains("known", f.ToString()));

        Assert.Equal(0, Sg("bank", "remove", "known", $"md5:{md5Other}").Exit);
        Assert.DoesNotContain("street-1", Sg("match", other, "--bank", "known").Out);
        Assert.Equal(0, Sg("bank", "delete", "known", "--yes").Exit);
        Assert.Equal(2, Sg("match", other, "--bank", "known").Exit);
    }

    private static int Distance(string a, string b) =>
        Enumerable.Range(0, 64).Sum(i => System.Numerics.BitOperations.PopCount((uint)(Convert.ToInt32(a[i].ToString(), 16) ^ Convert.ToInt32(b[i].ToString(), 16))));

    private static string Md5(string file)
    {
        var psi = new ProcessStartInfo("md5sum") { RedirectStandardOutput = true };
        psi.ArgumentList.Add(file);
        using var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return line.Split(' ')[0];
    }
}
