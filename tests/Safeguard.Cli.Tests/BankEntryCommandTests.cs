using System.Diagnostics;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Cli.Tests;

/// <summary>`bank update` and `bank entry show|set` through the real program, checked against the store.</summary>
public sealed class BankEntryCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-cli-entry-").FullName;
    private string Db => Path.Combine(_dir, "banks.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "safeguard.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--db");
        psi.ArgumentList.Add(Db);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "safeguard did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private const string Md5 = "d41d8cd98f00b204e9800998ecf8427e";

    [Fact]
    public async Task Update_and_entry_set_write_the_fields_and_refuse_hostile_values()
    {
        Assert.Equal(0, Run("bank", "create", "l").Exit);
        var update = Run("bank", "update", "l", "--enabled-ratio", "0.25", "--new-entry-quarantine-hours", "3");
        Assert.Equal(0, update.Exit);
        Assert.Contains("matching ratio 0.25", update.Out);
        Assert.Equal(2, Run("bank", "update", "l", "--enabled-ratio", "1.5").Exit);
        Assert.Equal(2, Run("bank", "update", "l", "--enabled-ratio", "NaN").Exit);
        Assert.Equal(2, Run("bank", "update", "l").Exit); // nothing to change
        Assert.Equal(0, Run("bank", "add", "l", Md5).Exit);

        long id;
        await using (var store = await SqliteBankStore.OpenAsync(Db))
        {
            var bank = await store.GetBankAsync("l");
            Assert.Equal(0.25, bank!.MatchingEnabledRatio);
            var e = await store.EnumerateEntriesAsync("l").SingleAsync();
            id = e.Id;
            Assert.Equal(e.AddedAt.AddHours(3), e.DisableUntil); // the bank's new-entry quarantine
        }

        var set = Run("bank", "entry", "set", "l", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--note", "seen twice",
            "--meta", "case=C-1", "--meta", "src=partner", "--original-media-uri", "https://example.org/a.jpg", "--disable-until", "none");
        Assert.Equal(0, set.Exit);
        Assert.Contains("note:               seen twice", set.Out);
        Assert.Contains("metadata:           case=C-1", set.Out);
        await using (var store = await SqliteBankStore.OpenAsync(Db))
        {
            var e = (await store.GetEntryAsync("l", id))!;
            Assert.Equal("seen twice", e.Note);
            Assert.Equal(new Dictionary<string, string> { ["case"] = "C-1", ["src"] = "partner" }, e.Metadata.ToDictionary());
            Assert.Equal("https://example.org/a.jpg", e.OriginalMediaUri);
            Assert.Null(e.DisableUntil);
        }
        var sid = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("2030-01-02 03:04:05Z", Run("bank", "entry", "set", "l", sid, "--disable-until", "2030-01-02T03:04:05Z").Out);
        Assert.Contains("disable until:      2030-01-02 03:04:05Z", Run("bank", "entry", "show", "l", sid).Out);

        foreach (var bad in new[] { new[] { "--original-media-uri", "javascript:alert(1)" }, ["--meta", "bad key=v"], ["--meta", "novalue"],
                     ["--disable-until", "next tuesday"], ["--disable-until", "2099-01-01T00:00:00Z"] })
        {
            var r = Run(["bank", "entry", "set", "l", sid, .. bad]);
            Assert.True(r.Exit == 2, $"{string.Join(' ', bad)}: exit {r.Exit}, {r.Err}");
            Assert.StartsWith("safeguard: ", r.Err);
        }
        Assert.Equal(2, Run("bank", "entry", "show", "l", "999999").Exit);
        Assert.Equal(2, Run("bank", "entry", "show", "nobank", sid).Exit);
    }
}
