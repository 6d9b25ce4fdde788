using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard bank add/import/export/show/remove` with tmk values, against Meta's .tmk files.</summary>
public sealed class BankTmkCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-cli-tmk-").FullName;
    private string Db => Path.Combine(_dir, "banks.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SafeguardProcess.Result Run(params string[] args) => SafeguardProcess.Run([.. args, "--db", Db]);

    private static readonly string[] CsvListed = ["chair-19-sd-bar.tmk", "chair-20-sd-bar.tmk"];

    private static string Tmk(string name) => TestData.TmkFile(name);
    private static byte[] Bytes(string name) => File.ReadAllBytes(Tmk(name));
    private static string Base64(string name) => Convert.ToBase64String(Bytes(name));

    [Fact]
    public void Tmk_files_and_lists_go_in_and_come_out_intact()
    {
        Assert.Equal(0, Run("bank", "create", "videos").Exit);

        // A .tmk file by path, bare and with the type prefix.
        var add = Run("bank", "add", "videos", Tmk("pattern-hd-no-bar.tmk"), "tmk:" + Tmk("doorknob-hd-no-bar.tmk"), "--content-id", "added");
        Assert.Equal(0, add.Exit);
        Assert.Contains("added 2", add.Out);

        // A CSV list and a VICS document, written here as other tools would.
        var csv = Path.Combine(_dir, "list.csv");
        File.WriteAllText(csv, "signal_type,signal,content_id\n" +
            string.Concat(CsvListed.Select(n => $"tmk,{Base64(n)},{n}\n")));
        var import = Run("bank", "import", "videos", csv);
        Assert.Equal(0, import.Exit);
        Assert.Contains("added 2", import.Out);
        var vics = Path.Combine(_dir, "case.json");
        File.WriteAllText(vics, "{\"value\":[{\"MediaID\":\"v\",\"AlternativeHashes\":[{\"HashName\":\"TMK_PDQF\",\"HashValue\":\"" + Base64("chair-22-sd-grey-bar.tmk") + "\"}]}]}");
        Assert.Contains("added 1", Run("bank", "import", "videos", vics).Out);

        var expected = new[] { "pattern-hd-no-bar.tmk", "doorknob-hd-no-bar.tmk", "chair-19-sd-bar.tmk", "chair-20-sd-bar.tmk", "chair-22-sd-grey-bar.tmk" };

        var plain = Run("bank", "export", "videos", "-");
        Assert.Equal(0, plain.Exit);
        var lines = plain.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Length, lines.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.StartsWith("tmk ", lines[i], StringComparison.Ordinal);
            Assert.Equal(Bytes(expected[i]), Convert.FromBase64String(lines[i][4..]));
        }

        var json = Path.Combine(_dir, "out.json");
        Assert.Equal(0, Run("bank", "export", "videos", json).Exit);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var hashes = doc.RootElement.GetProperty("value").EnumerateArray()
            .Select(m => Assert.Single(m.GetProperty("AlternativeHashes").EnumerateArray())).ToList();
        Assert.All(hashes, h => Assert.Equal("TMK_PDQF", h.GetProperty("HashName").GetString()));
        Assert.Equal(expected.Select(Bytes), hashes.Select(h => Convert.FromBase64String(h.GetProperty("HashValue").GetString()!)));

        // The exported document imports into a new bank unchanged.
        Assert.Equal(0, Run("bank", "create", "copy").Exit);
        Assert.Contains("added 5", Run("bank", "import", "copy", json).Out);
        Assert.Equal(plain.Out, Run("bank", "export", "copy", "-").Out);

        // show keeps its table readable: values are cut, not 351 KB lines.
        var show = Run("bank", "show", "videos");
        Assert.Equal(0, show.Exit);
        Assert.Contains("tmk 5", show.Out);
        Assert.All(show.Out.Split('\n'), l => Assert.True(l.Length < 400, $"a {l.Length}-character line"));

        var remove = Run("bank", "remove", "videos", Tmk("chair-20-sd-bar.tmk"));
        Assert.Equal(0, remove.Exit);
        Assert.Contains("removed 1 of 1", remove.Out);
    }

    [Fact]
    public void A_broken_tmk_file_is_a_usage_error_naming_it_and_nothing_is_added()
    {
        Assert.Equal(0, Run("bank", "create", "videos").Exit);
        var broken = Path.Combine(_dir, "cut.tmk");
        File.WriteAllBytes(broken, Bytes("pattern-sd-grey-bar.tmk")[..100_000]);
        var add = Run("bank", "add", "videos", Tmk("pattern-hd-no-bar.tmk"), broken);
        Assert.Equal(2, add.Exit);
        Assert.Contains("cut.tmk", add.Err);
        Assert.Contains("truncated", add.Err);
        var missing = Run("bank", "add", "videos", Path.Combine(_dir, "missing.tmk"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("missing.tmk: no such file", missing.Err);
        Assert.Contains("enabled:     0", Run("bank", "show", "videos").Out);
    }
}
