using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Safeguard.Hashing.Tmk;
using Safeguard.Signals;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>
/// TMK through the service over real HTTP: Meta's .tmk files banked through the API, a reference
/// video uploaded, a tmk value looked up (Safeguard's and HMA's routes), against Meta's pair scores.
/// </summary>
public abstract class TmkServiceContract
{
    protected abstract Task<string> DbAsync();

    private static readonly string[] Banked = ["chair-orig-22-sd-bar", "doorknob-hd-no-bar"];

    private static string MetasValue(string name) => Convert.ToBase64String(System.IO.File.ReadAllBytes(TestData.TmkFile(name + ".tmk")));

    private static MultipartFormDataContent VideoForm(string name, string field = "file")
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(System.IO.File.ReadAllBytes(TestData.VpdqFile($"videos/{name}.mp4")));
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(content, field, name + ".mp4");
        return form;
    }

    /// <summary>Meta's printed pair score (level 1, level 2) of two of its files.</summary>
    private static (double Level1, double Level2) MetasPairScore(string a, string b)
    {
        foreach (var line in System.IO.File.ReadLines(TestData.TmkFile("pair-scores.txt")))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 4 && ((f[2] == a + ".tmk" && f[3] == b + ".tmk") || (f[2] == b + ".tmk" && f[3] == a + ".tmk")))
                return (double.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture));
        }
        throw new InvalidOperationException($"no pair score for {a} and {b}");
    }

    private static List<JsonElement> TmkMatches(JsonElement body) =>
        body.GetProperty("matches").EnumerateArray().Where(m => m.GetProperty("signal_type").GetString() == "tmk").ToList();

    [SkippableFact]
    public async Task Uploads_and_tmk_values_find_the_banked_videos_with_both_scores()
    {
        await using var h = await ServerHarness.StartAsync(await DbAsync());
        var r = await h.Admin.PostAsJsonAsync("/v1/banks", new { name = "tmk" });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        // Whole values (351,000 characters each) through the API's validation.
        r = await h.Admin.PostAsJsonAsync("/v1/banks/tmk/entries", new
        {
            entries = Banked.Select(n => new { signal_type = "tmk", value = MetasValue(n), content_id = n, category = 1 }).ToArray(),
        });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        var matcher = await h.ClientAsync("matcher");

        // A tmk value: Meta's chair-19 file scores against Meta's chair-orig file as Meta printed it.
        JsonElement body = default;
        for (int i = 0; i < 40; i++) // the index follows the bank's change feed within a poll or two
        {
            body = await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "tmk", value = MetasValue("chair-19-sd-bar") }));
            if (TmkMatches(body).Count > 0) break;
            await Task.Delay(250);
        }
        var hit = Assert.Single(TmkMatches(body));
        Assert.Equal("chair-orig-22-sd-bar", hit.GetProperty("content_id").GetString());
        var meta = MetasPairScore("chair-19-sd-bar", "chair-orig-22-sd-bar");
        Assert.Equal(meta.Level1, hit.GetProperty("tmk_level1").GetDouble(), 5);
        Assert.Equal(meta.Level2, hit.GetProperty("tmk_level2").GetDouble(), 5);

        // An upload: the service hashes the video's TMK and finds the same entry; the review item names it with its scores.
        r = await matcher.PostAsync("/v1/lookup/file", VideoForm("chair-19-sd-bar"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        body = await Json(r);
        var ours = SignalTypes.Tmk.Parse(body.GetProperty("hashes").GetProperty("tmk").GetString()!);
        Assert.True(TmkScorer.Level2(ours, TmkFile.ReadFile(TestData.TmkFile("chair-19-sd-bar.tmk"))) > 0.999f);
        hit = Assert.Single(TmkMatches(body));
        Assert.Equal("chair-orig-22-sd-bar", hit.GetProperty("content_id").GetString());
        Assert.Equal(meta.Level2, hit.GetProperty("tmk_level2").GetDouble(), 2);
        long itemId = body.GetProperty("review_item_id").GetInt64();
        var item = await Json(await h.Admin.GetAsync($"/v1/review/items/{itemId}"));
        var itemHit = Assert.Single(item.GetProperty("matches").EnumerateArray(), m => m.GetProperty("signal_type").GetString() == "tmk");
        Assert.Equal(hit.GetProperty("tmk_level1").GetDouble(), itemHit.GetProperty("tmk_level1").GetDouble());

        // The doorknob matches only itself.
        body = await Json(await matcher.PostAsync("/v1/lookup/file", VideoForm("doorknob-hd-no-bar")));
        Assert.Equal(["doorknob-hd-no-bar"], TmkMatches(body).Select(m => m.GetProperty("content_id").GetString()));

        // HMA: hashing names tmk; a raw lookup by a level-1 value (short enough for a URL) gives the entry's id.
        var hma = await Json(await matcher.PostAsync("/h/hash", VideoForm("chair-19-sd-bar", "video")));
        Assert.Equal(["tmk", "video_md5", "vpdq"], hma.EnumerateObject().Select(p => p.Name).Order());
        var entries = await Json(await h.Admin.GetAsync("/v1/banks/tmk/entries"));
        long chairId = entries.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("content_id").GetString() == "chair-orig-22-sd-bar").GetProperty("id").GetInt64();
        string level1 = SignalTypes.Tmk.Level1Text(TmkFile.ReadFile(TestData.TmkFile("chair-19-sd-bar.tmk")));
        var raw = await Json(await matcher.GetAsync($"/m/raw_lookup?signal_type=tmk&signal={Uri.EscapeDataString(level1)}"));
        Assert.Equal([chairId], raw.GetProperty("matches").EnumerateArray().Select(x => x.GetInt64()));
        var lookup = await Json(await matcher.PostAsync("/m/lookup", VideoForm("chair-19-sd-bar", "video")));
        Assert.Equal(["tmk"], lookup.GetProperty("tmk").EnumerateArray().Select(x => x.GetString()));
    }
}

public sealed class SqliteTmkServiceTests : TmkServiceContract
{
    protected override Task<string> DbAsync() => Task.FromResult(TestDb.Sqlite());
}

public sealed class PostgresTmkServiceTests : TmkServiceContract
{
    protected override Task<string> DbAsync() => TestDb.PostgresAsync();
}
