using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>The same file or hash again while its item awaits review: one item, the repeats counted; and suppressions on every lookup route.</summary>
public abstract partial class ServiceContract
{
    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path)));

    private static async Task<long> ItemsWithSha256Async(ServerHarness h, string sha256) =>
        (await h.State.Db.QueryAsync("SELECT id FROM review_items WHERE sha256 = @s", r => r.GetInt64(0), ("@s", sha256))).Count;

    [SkippableFact]
    public async Task The_same_file_again_while_its_item_awaits_review_lands_on_that_item()
    {
        await using var h = await StartAsync();
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        // A demo image: its MD5 is in the demo bank, so every lookup of it is a hit.
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        long first = (await Json(await matcher.PostAsync("/v1/lookup/file", File(image)))).GetProperty("review_item_id").GetInt64();
        long second = (await Json(await matcher.PostAsync("/v1/lookup/file", File(image)))).GetProperty("review_item_id").GetInt64();
        Assert.Equal(first, second);
        // A submission of the same bytes is counted on the same item, with 200 (nothing created).
        var submitted = await matcher.PostAsync("/v1/review/submit?note=seen+again", File(image));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal(first, (await Json(submitted)).GetProperty("review_item_id").GetInt64());
        Assert.Equal(1, await ItemsWithSha256Async(h, Sha256Of(image)));

        var item = await Json(await reviewer.GetAsync($"/v1/review/items/{first}"));
        Assert.Equal(3, item.GetProperty("sightings").GetInt32());
        var audit = await Json(await reviewer.GetAsync($"/v1/audit?target=item:{first}"));
        var entries = audit.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["review.create", "review.repeat", "review.repeat"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Contains("note=seen again", entries[2].GetProperty("detail").GetString());

        // Escalated still awaits review; once decided, the file makes a new item.
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{first}/decision", new { decision = "escalate" })).StatusCode);
        Assert.Equal(first, (await Json(await matcher.PostAsync("/v1/lookup/file", File(image)))).GetProperty("review_item_id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{first}/decision", new { decision = "confirmed", category = "UK-C" })).StatusCode);
        long after = (await Json(await matcher.PostAsync("/v1/lookup/file", File(image)))).GetProperty("review_item_id").GetInt64();
        Assert.NotEqual(first, after);
        Assert.Equal(2, await ItemsWithSha256Async(h, Sha256Of(image)));
    }

    [SkippableFact]
    public async Task Concurrent_uploads_of_one_file_make_one_item()
    {
        await using var h = await StartAsync();
        var matcher = await h.ClientAsync("matcher");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().Skip(2).First();
        const int uploads = 8;
        var answers = await Task.WhenAll(Enumerable.Range(0, uploads).Select(async i =>
        {
            // Half look the file up, half submit it: both kinds of file item are one item per file.
            var r = i % 2 == 0 ? await matcher.PostAsync("/v1/lookup/file", File(image)) : await matcher.PostAsync("/v1/review/submit", File(image));
            Assert.True(r.IsSuccessStatusCode, $"{r.StatusCode}");
            return (await Json(r)).GetProperty("review_item_id").GetInt64();
        }));
        Assert.Single(answers.Distinct());
        Assert.Equal(1, await ItemsWithSha256Async(h, Sha256Of(image)));
        Assert.Equal(uploads, await h.State.Db.ScalarAsync("SELECT sightings FROM review_items WHERE id = @id", ("@id", answers[0])));
    }

    [SkippableFact]
    public async Task A_suppressed_hash_no_longer_reports_its_bank_on_any_lookup_route()
    {
        await using var h = await StartAsync(o => o with { Demo = false });
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        var image = Path.Combine(TestImages.Bridge, "aaa-orig.jpg");
        var pdq = (await Json(await matcher.PostAsync("/v1/hash", File(image)))).GetProperty("pdq").GetString()!;
        var entry = FlipBits(pdq, 9, 99); // two bits from the photo's hash: a PDQ hit on every route
        async Task AddAsync(string bank)
        {
            Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = bank })).StatusCode);
            (await curator.PostAsJsonAsync($"/v1/banks/{bank}/entries", new { entries = new[] { new { signal_type = "pdq", value = entry } } })).EnsureSuccessStatusCode();
        }
        async Task<long> EntryIdAsync(string bank) =>
            (await Json(await curator.GetAsync($"/v1/banks/{bank}/entries"))).GetProperty("entries")[0].GetProperty("id").GetInt64();

        // The banks each route reports for the photo (raw lookup: by entry id).
        async Task<Dictionary<string, HashSet<string>>> BanksPerRouteAsync(Dictionary<long, string> bankOfEntry)
        {
            static HashSet<string> Names(System.Text.Json.JsonElement matches) =>
                matches.EnumerateArray().Select(m => m.GetProperty("bank").GetString()!).ToHashSet();
            var raw = await Json(await matcher.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={pdq}"));
            return new()
            {
                ["/v1/lookup"] = Names((await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq, review = false }))).GetProperty("matches")),
                ["/v1/lookup/file"] = Names((await Json(await matcher.PostAsync("/v1/lookup/file", File(image)))).GetProperty("matches")),
                ["GET /m/lookup"] = (await Json(await matcher.GetAsync($"/m/lookup?signal_type=pdq&signal={pdq}"))).EnumerateArray().Select(b => b.GetString()!).ToHashSet(),
                ["POST /m/lookup"] = (await Json(await matcher.PostAsync("/m/lookup", File(image)))).GetProperty("pdq").EnumerateArray().Select(b => b.GetString()!).ToHashSet(),
                ["/m/raw_lookup"] = raw.GetProperty("matches").EnumerateArray().Select(id => bankOfEntry[id.GetInt64()]).ToHashSet(),
            };
        }

        await AddAsync("fp-list");
        var entries = new Dictionary<long, string> { [await EntryIdAsync("fp-list")] = "fp-list" };
        var before = await BanksPerRouteAsync(entries);
        Assert.All(before, route => Assert.True(route.Value.SetEquals(["fp-list"]), $"{route.Key}: {string.Join(",", route.Value)}"));

        // The file lookup above queued an item; the reviewer calls it a false positive and suppresses it.
        var item = (await Json(await reviewer.GetAsync("/v1/review/items?status=pending"))).GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "false_positive", suppress = true })).StatusCode);

        // Another bank holding the same entry still reports: the suppression is for fp-list only.
        await AddAsync("other-list");
        entries[await EntryIdAsync("other-list")] = "other-list";
        var after = await BanksPerRouteAsync(entries);
        Assert.All(after, route => Assert.True(route.Value.SetEquals(["other-list"]), $"{route.Key}: {string.Join(",", route.Value)}"));
    }
}
