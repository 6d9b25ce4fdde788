using System.Security.Cryptography;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard exchange ...` end to end: the real binary, a SQLite database, a generated list file.</summary>
public sealed class ExchangeCommandTests : IDisposable
{
    private readonly CliFixture _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string RandomMd5() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    [Fact]
    public void A_file_exchange_is_added_fetched_shown_listed_and_removed_keeping_its_bank()
    {
        var hashes = Enumerable.Range(0, 5).Select(_ => RandomMd5()).ToList();
        var list = Path.Combine(_cli.Dir, "list.txt");
        File.WriteAllLines(list, hashes);

        var types = _cli.RunOk("exchange", "types");
        Assert.Contains("file:", types.Out);
        Assert.Contains("path (required)", types.Out);

        var add = _cli.RunOk("exchange", "add", "feed", "--type", "file", "--bank", "fed", "--set", $"path={list}", "--set", "signal_type=md5", "--interval", "1h");
        Assert.Contains("added exchange 'feed' (file) filling new bank 'fed', fetched every 1h", add.Out);
        Assert.Equal(2, _cli.Run("exchange", "add", "feed", "--type", "file", "--set", $"path={list}").Exit);

        var fetch = _cli.RunOk("exchange", "fetch", "feed");
        Assert.Contains("feed: 1 pages, added 5, updated 0, withdrawn 0", fetch.Out);
        Assert.Contains("enabled:     5", _cli.RunOk("bank", "show", "fed").Out);

        // The list loses two hashes: they are withdrawn (disabled and kept), not deleted.
        File.WriteAllLines(list, hashes.Skip(2));
        File.SetLastWriteTimeUtc(list, DateTime.UtcNow.AddMinutes(1));
        Assert.Contains("withdrawn 2", _cli.RunOk("exchange", "fetch", "feed").Out);
        var bank = _cli.RunOk("bank", "show", "fed").Out;
        Assert.Contains("enabled:     3", bank);
        Assert.Contains("disabled:    2", bank);

        var show = _cli.RunOk("exchange", "show", "feed").Out;
        Assert.Contains($"setting:       path = {list}", show);
        Assert.Contains("interval:      1h", show);
        Assert.Contains("error:         -", show);
        Assert.Contains("totals:        2 pages, added 5, updated 0, withdrawn 2", show);

        var table = _cli.RunOk("exchange", "list").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", table[0]);
        Assert.Matches(@"^feed\s+file\s+fed\s+yes\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+\d+s\s+in \d+m", table[1]);
        var json = JsonDocument.Parse(_cli.RunOk("exchange", "list", "--json").Out).RootElement;
        Assert.Equal("feed", json[0].GetProperty("name").GetString());
        Assert.Equal("fed", json[0].GetProperty("bank").GetString());
        Assert.Equal(5, json[0].GetProperty("status").GetProperty("added").GetInt64());
        Assert.False(json[0].GetProperty("status").TryGetProperty("error", out _));

        _cli.RunOk("exchange", "update", "feed", "--disable");
        Assert.Contains("no enabled exchanges", _cli.RunOk("exchange", "fetch", "--all").Out);
        Assert.Contains("disabled", _cli.RunOk("exchange", "show", "feed").Out);

        var removed = _cli.RunOk("exchange", "remove", "feed");
        Assert.Contains("bank 'fed' and its entries are kept", removed.Out);
        Assert.Contains("no exchanges", _cli.RunOk("exchange", "list").Out);
        Assert.Contains("enabled:     3", _cli.RunOk("bank", "show", "fed").Out);
        Assert.Equal(2, _cli.Run("exchange", "show", "feed").Exit);
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_setting_and_nothing_is_stored()
    {
        var list = Path.Combine(_cli.Dir, "list.txt");
        File.WriteAllText(list, RandomMd5() + "\n");

        var unknown = _cli.Run("exchange", "add", "x", "--type", "file", "--set", $"path={list}", "--set", "colour=blue");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("unknown setting 'colour'", unknown.Err);

        var missing = _cli.Run("exchange", "add", "x", "--type", "file");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("setting 'path' is required", missing.Err);

        var badType = _cli.Run("exchange", "add", "x", "--type", "carrier-pigeon", "--set", $"path={list}");
        Assert.Equal(2, badType.Exit);
        Assert.Contains("unknown exchange type 'carrier-pigeon'", badType.Err);

        var badPair = _cli.Run("exchange", "add", "x", "--type", "file", "--set", "path");
        Assert.Equal(2, badPair.Exit);
        Assert.Contains("setting 'path' must be written name=value", badPair.Err);

        var badInterval = _cli.Run("exchange", "add", "x", "--type", "file", "--set", $"path={list}", "--interval", "0.4s");
        Assert.Equal(2, badInterval.Exit);
        Assert.Contains("interval '0.4s' is out of range", badInterval.Err);

        var badName = _cli.Run("exchange", "add", "../x", "--type", "file", "--set", $"path={list}");
        Assert.Equal(2, badName.Exit);
        Assert.Contains("invalid exchange name '../x'", badName.Err);

        var badUrl = _cli.Run("exchange", "add", "x", "--type", "url", "--set", "url=ftp://example.org/list");
        Assert.Equal(2, badUrl.Exit);
        Assert.Contains("url", badUrl.Err);

        var noFeedback = _cli.Run("exchange", "add", "x", "--type", "file", "--set", $"path={list}", "--feedback");
        Assert.Equal(2, noFeedback.Exit);
        Assert.Contains("takes no feedback", noFeedback.Err);

        Assert.Contains("no exchanges", _cli.RunOk("exchange", "list").Out);
        Assert.Equal(2, _cli.Run("exchange", "update", "nosuch", "--enable").Exit);
        Assert.Equal(2, _cli.Run("exchange", "fetch").Exit);
    }

    [Fact]
    public void A_failing_fetch_exits_1_and_keeps_the_error_on_the_status()
    {
        var list = Path.Combine(_cli.Dir, "list.txt");
        File.WriteAllText(list, RandomMd5() + "\n");
        _cli.RunOk("exchange", "add", "feed", "--type", "file", "--set", $"path={list}");
        _cli.RunOk("exchange", "fetch", "feed");
        File.Delete(list);

        var failed = _cli.Run("exchange", "fetch", "feed");
        Assert.Equal(1, failed.Exit);
        Assert.Contains("feed: failed", failed.Out);
        Assert.Contains("list.txt", failed.Err);
        var show = _cli.RunOk("exchange", "show", "feed").Out;
        Assert.Contains("list.txt", show.Split('\n').Single(l => l.StartsWith("error:", StringComparison.Ordinal)));
        Assert.Contains("failures:      1 in a row", show);
        Assert.Contains("enabled:     1", _cli.RunOk("bank", "show", "feed").Out);
    }

    [Fact]
    public void Secret_settings_are_never_printed()
    {
        const string Secret = "Bearer s3cret-Token-4f9a2c";
        const string HeaderSecret = "k3y-77d1e0aa";
        var add = _cli.RunOk("exchange", "add", "remote", "--type", "url", "--set", "url=https://lists.example.invalid/hashes.txt",
            "--set", $"authorization={Secret}", "--set", $"headers={{\"X-Api-Key\": \"{HeaderSecret}\"}}");
        var outputs = new List<string> { add.Out, add.Err };
        foreach (var args in new[] { new[] { "exchange", "show", "remote" }, ["exchange", "show", "remote", "--json"], ["exchange", "list"], ["exchange", "list", "--json"] })
        {
            var r = _cli.RunOk(args);
            outputs.Add(r.Out);
            outputs.Add(r.Err);
        }
        // The fetch fails (the host does not resolve) and its error is printed too.
        var fetch = _cli.Run("exchange", "fetch", "remote");
        Assert.Equal(1, fetch.Exit);
        outputs.Add(fetch.Out);
        outputs.Add(fetch.Err);
        var update = _cli.RunOk("exchange", "update", "remote", "--set", "authorization=Bearer another-s3cret-99");
        outputs.Add(update.Out);
        outputs.Add(_cli.RunOk("exchange", "show", "remote").Out);

        Assert.Contains("setting:       authorization = ***", outputs[2]);
        Assert.Contains("setting:       headers = ***", outputs[2]);
        foreach (var text in outputs)
        {
            Assert.DoesNotContain("s3cret", text);
            Assert.DoesNotContain(HeaderSecret, text);
        }
    }
}
