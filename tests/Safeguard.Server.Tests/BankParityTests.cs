using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Server.Matching;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>
/// Bank content parity with HMA: the coin flip over matching ratios, banks= on every lookup route,
/// HMA's bank and content routes and their shapes, and entries edited by id.
/// </summary>
public sealed class BankParityTests
{
    private static readonly string ImagePath = Path.Combine(TestImages.Bridge, "aaa-orig.jpg");
    private static readonly string ImageMd5 = Convert.ToHexStringLower(MD5.HashData(System.IO.File.ReadAllBytes(ImagePath)));

    /// <summary>HMA's rule, written out here from matching.py rather than taken from the code under test: r from the seed, a bank takes part when ratio >= r.</summary>
    private static double IndependentDraw(string seed)
    {
        var d = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        ulong top = 0;
        for (int i = 0; i < 8; i++) top = (top << 8) | d[i];
        return (double)(top >> 11) / 9007199254740992.0; // 2^53
    }

    private static async Task<ServerHarness> StartWithBanksAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var h = await StartAsync(TestDb.Sqlite(), o => (configure ?? (x => x))(o with { Demo = false }));
        // Three banks with the same MD5: "often" at ratio 0.3, "always" at 1, "never" at 0.
        foreach (var (name, body) in new[] { ("often", "{\"name\":\"often\",\"enabled_ratio\":0.3}"), ("always", "{\"name\":\"always\"}"), ("never", "{\"name\":\"never\",\"enabled\":false}") })
        {
            var r = await h.Admin.PostAsync("/c/banks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await h.Admin.PostAsJsonAsync($"/c/bank/{name}/signal", new Dictionary<string, string> { ["md5"] = ImageMd5 })).StatusCode);
        }
        return h;
    }

    private static async Task<HashSet<string>> MLookupBanks(HttpClient c, string query)
    {
        var r = await c.GetAsync($"/m/lookup?signal_type=md5&signal={ImageMd5}{query}");
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        return (await Json(r)).EnumerateArray().Select(e => e.GetString()!).ToHashSet();
    }

    [Fact]
    public void A_seed_gives_the_same_draw_everywhere_and_draws_are_uniform()
    {
        foreach (var seed in new[] { "", "content-1", "ü", new string('x', 5000) })
        {
            Assert.Equal(IndependentDraw(seed), CoinFlip.Draw(seed));
            Assert.InRange(CoinFlip.Draw(seed), 0, 1 - double.Epsilon);
        }
        var draws = Enumerable.Range(0, 10_000).Select(i => CoinFlip.Draw($"s{i}")).ToList();
        for (int decile = 0; decile < 10; decile++)
            Assert.InRange(draws.Count(d => (int)(d * 10) == decile), 880, 1120);
        Assert.True(CoinFlip.TakesPart(0, 0.999, bypass: true));
        Assert.False(CoinFlip.TakesPart(0, 1e-9, bypass: false));
        Assert.True(CoinFlip.TakesPart(1, 0.999999, bypass: false));
    }

    [Fact]
    public async Task The_coin_flip_follows_each_banks_ratio_is_reproducible_with_a_seed_and_bypassed_on_request()
    {
        await using var h = await StartWithBanksAsync();
        var matcher = await h.ClientAsync("matcher");
        var shown = (await Json(await matcher.GetAsync("/c/banks"))).EnumerateArray()
            .ToDictionary(b => b.GetProperty("name").GetString()!, b => b.GetProperty("matching_enabled_ratio").GetDouble());
        Assert.Equal(new Dictionary<string, double> { ["always"] = 1, ["never"] = 0, ["often"] = 0.3 }, shown);

        // Seeded: the outcome is HMA's rule over the seed's number, and the same on every call.
        for (int i = 0; i < 40; i++)
        {
            var seed = $"content-{i}";
            double r = IndependentDraw(seed);
            var expected = new HashSet<string> { "always" };
            if (0.3 >= r) expected.Add("often");
            Assert.Equal(expected, await MLookupBanks(matcher, $"&seed={seed}"));
            Assert.Equal(expected, await MLookupBanks(matcher, $"&seed={seed}"));
        }

        // Unseeded: "often" takes part in 30% ± 4% of 2,000 lookups, "never" in none, "always" in all.
        int often = 0;
        for (int i = 0; i < 2000; i++)
        {
            var banks = await MLookupBanks(matcher, "");
            Assert.Contains("always", banks);
            Assert.DoesNotContain("never", banks);
            if (banks.Contains("often")) often++;
        }
        Assert.InRange(often / 2000.0, 0.26, 0.34);

        // bypass_coinflip=true: every bank, ratio 0 included.
        for (int i = 0; i < 20; i++)
            Assert.Equal(new HashSet<string> { "always", "never", "often" }, await MLookupBanks(matcher, "&bypass_coinflip=true"));

        // PUT /c/bank changes the ratio (HMA's shape back); enabled=true means 1.
        var put = await h.Admin.PutAsJsonAsync("/c/bank/never", new { enabled = true });
        Assert.Equal("{\"name\":\"never\",\"matching_enabled_ratio\":1}", await put.Content.ReadAsStringAsync());
        Assert.Contains("never", await MLookupBanks(matcher, ""));
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Admin.PutAsJsonAsync("/c/bank/never", new { enabled_ratio = 1.5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Admin.PutAsJsonAsync("/c/bank/missing", new { enabled_ratio = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Admin.PutAsJsonAsync("/c/bank/never", new { name = "always" })).StatusCode);
        var audit = await h.State.Audit.ListAsync(0, 1000);
        Assert.Contains(audit, e => e.Action == "bank.update" && e.Target == "bank:never");
    }

    [Fact]
    public async Task Every_lookup_route_honours_banks_and_names_unknown_banks_on_v1()
    {
        var image = System.IO.File.ReadAllBytes(ImagePath);
        int port = FreePort.Next();
        var web = WebApplication.CreateSlimBuilder();
        web.WebHost.UseUrls($"http://127.0.0.2:{port}");
        await using var site = web.Build();
        site.MapGet("/bridge.jpg", () => Results.Bytes(image, "image/jpeg"));
        await site.StartAsync();
        string url = $"http://127.0.0.2:{port}/bridge.jpg";

        await using var h = await StartWithBanksAsync(o => o with { FetchAllowList = ["127.0.0.2"] });
        var matcher = await h.ClientAsync("matcher");
        var ids = new Dictionary<long, string>();
        foreach (var bank in new[] { "often", "always", "never" })
            foreach (var e in (await Json(await h.Admin.GetAsync($"/v1/banks/{bank}/entries"))).GetProperty("entries").EnumerateArray())
                ids[e.GetProperty("id").GetInt64()] = bank;

        // Each lookup route, asked with a query string, answers the banks that matched.
        var routes = new Dictionary<string, Func<string, Task<HttpResponseMessage>>>
        {
            ["GET /m/lookup"] = q => matcher.GetAsync($"/m/lookup?signal_type=md5&signal={ImageMd5}&{q}"),
            ["POST /m/lookup"] = q => matcher.PostAsync($"/m/lookup?{q}", File(ImagePath)),
            ["GET /m/raw_lookup"] = q => matcher.GetAsync($"/m/raw_lookup?signal_type=md5&signal={ImageMd5}&{q}"),
            ["POST /v1/lookup"] = q => matcher.PostAsJsonAsync($"/v1/lookup?{q}", new { signal_type = "md5", value = ImageMd5, review = false }),
            ["POST /v1/lookup/file"] = q => matcher.PostAsync($"/v1/lookup/file?{q}", File(ImagePath)),
            ["POST /v1/lookup/url"] = q => matcher.PostAsJsonAsync($"/v1/lookup/url?{q}", new { url }),
        };
        async Task<HashSet<string>> Banks(string route, string query)
        {
            var r = await routes[route](query);
            var body = await Json(r);
            Assert.True(r.IsSuccessStatusCode, $"{route}?{query}: {body}");
            if (route == "GET /m/lookup") return body.EnumerateArray().Select(b => b.GetString()!).ToHashSet();
            if (route == "POST /m/lookup") return body.GetProperty("md5").EnumerateArray().Select(b => b.GetString()!).ToHashSet();
            if (route == "GET /m/raw_lookup") return body.GetProperty("matches").EnumerateArray().Select(m => ids[m.GetInt64()]).ToHashSet();
            return body.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("bank").GetString()!).ToHashSet();
        }

        // Walk the route table: every route that looks hashes up is listed above and carries the bank filter.
        var lookupRoutes = h.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.Contains("lookup", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (Route: $"{m} {e.RoutePattern.RawText}", Endpoint: e)))
            .ToList();
        Assert.Equal(routes.Keys.Order(), lookupRoutes.Select(x => x.Route).Order());
        Assert.All(lookupRoutes, x => Assert.NotNull(x.Endpoint.Metadata.GetMetadata<Safeguard.Server.Endpoints.SelectsBanks>()));

        // A bank created behind the service's back (another node) is known to banks= before the next poll.
        await h.State.Banks.CreateBankAsync("fresh");
        var fresh = await matcher.PostAsJsonAsync("/v1/lookup?banks=fresh", new { signal_type = "md5", value = ImageMd5, review = false });
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(0, (await Json(fresh)).GetProperty("matches").GetArrayLength());

        foreach (var route in routes.Keys)
        {
            Assert.Equal(new HashSet<string> { "always" }, await Banks(route, "banks=always"));
            Assert.Equal(new HashSet<string> { "always", "never" }, await Banks(route, "banks=always,%20never&bypass_coinflip=true"));
            Assert.Equal(new HashSet<string> { "always", "never", "often" }, await Banks(route, "bypass_coinflip=true"));
            if (route.Contains("/m/", StringComparison.Ordinal))
                Assert.Equal(new HashSet<string> { "always" }, await Banks(route, "banks=always,nosuchbank")); // HMA intersects
            else
            {
                var r = await routes[route]("banks=always,nosuchbank");
                Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                Assert.Contains("nosuchbank", (await Json(r)).GetProperty("detail").GetString());
            }
        }
    }

    [Fact]
    public async Task HMA_content_routes_answer_HMAs_shapes_and_quarantine_stops_matching()
    {
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        Assert.Equal(HttpStatusCode.Created, (await h.Admin.PostAsJsonAsync("/c/banks", new { name = "hma" })).StatusCode);
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");

        // POST content: multipart upload with HMA's metadata JSON and a note -> {id, signals}.
        var form = File(ImagePath);
        form.Add(new StringContent("{\"content_id\":\"case-7\",\"content_uri\":\"https://example.org/x\",\"json\":{\"source\":\"partner\",\"n\":3}}"), "metadata");
        form.Add(new StringContent("first seen in a report"), "note");
        var added = await Json(await curator.PostAsync("/c/bank/hma/content", form));
        Assert.Equal(["id", "signals"], added.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(ImageMd5, added.GetProperty("signals").GetProperty("md5").GetString());
        var pdqEntry = (await Json(await h.Admin.GetAsync("/v1/banks/hma/entries"))).GetProperty("entries").EnumerateArray()
            .Single(e => e.GetProperty("signal_type").GetString() == "md5");
        long id = pdqEntry.GetProperty("id").GetInt64();

        // GET content: HMA's BankContentResponse fields (schemas/curation.py), nothing else.
        string[] hmaFields = ["bank", "disable_until_ts", "id", "metadata", "note", "original_media_uri", "signals"];
        var got = await Json(await matcher.GetAsync($"/c/bank/hma/content/{id}?include_signals=true"));
        Assert.Empty(got.EnumerateObject().Select(p => p.Name).Except(hmaFields));
        Assert.Equal(id, got.GetProperty("id").GetInt64());
        Assert.Equal(1, got.GetProperty("disable_until_ts").GetInt64()); // HMA's "enabled"
        Assert.Equal("{\"name\":\"hma\",\"matching_enabled_ratio\":1}", got.GetProperty("bank").GetRawText());
        Assert.Equal(ImageMd5, got.GetProperty("signals").GetProperty("md5").GetString());
        Assert.Equal("first seen in a report", got.GetProperty("note").GetString());
        var meta = got.GetProperty("metadata");
        Assert.Equal("case-7", meta.GetProperty("content_id").GetString());
        Assert.Equal("https://example.org/x", meta.GetProperty("content_uri").GetString());
        Assert.Equal("partner", meta.GetProperty("json").GetProperty("source").GetString());
        Assert.Equal("3", meta.GetProperty("json").GetProperty("n").GetString());
        // Signals only when asked for, as HMA does.
        Assert.False((await Json(await matcher.GetAsync($"/c/bank/hma/content/{id}"))).TryGetProperty("signals", out _));

        async Task<bool> Matches() => (await Json(await matcher.GetAsync($"/m/lookup?signal_type=md5&signal={ImageMd5}"))).GetArrayLength() == 1;
        Assert.True(await Matches());

        // PUT disable_until_ts: a time an hour ahead stops matching; 1 (HMA's enabled) brings it back; 0 disables.
        long hourAhead = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var put = await Json(await curator.PutAsJsonAsync($"/c/bank/hma/content/{id}", new { disable_until_ts = hourAhead, note = "quarantined" }));
        Assert.Equal(hourAhead, put.GetProperty("disable_until_ts").GetInt64());
        Assert.Equal("quarantined", put.GetProperty("note").GetString());
        Assert.False(await Matches());
        await curator.PutAsJsonAsync($"/c/bank/hma/content/{id}", new { disable_until_ts = 1 });
        Assert.True(await Matches());
        Assert.Equal(0, (await Json(await curator.PutAsJsonAsync($"/c/bank/hma/content/{id}", new { disable_until_ts = 0 }))).GetProperty("disable_until_ts").GetInt64());
        Assert.False(await Matches());
        await curator.PutAsJsonAsync($"/c/bank/hma/content/{id}", new { disable_until_ts = 1 });

        // HMA's refusals.
        long sixYears = DateTimeOffset.UtcNow.AddDays(365 * 6).ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PutAsJsonAsync($"/c/bank/hma/content/{id}", new { disable_until_ts = sixYears })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PutAsJsonAsync($"/c/bank/hma/content/{id}", new { disable_until_ts = -5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await curator.GetAsync($"/c/bank/hma/content/{id + 1000}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await curator.GetAsync($"/c/bank/nobank/content/{id}")).StatusCode);
        var badMeta = File(ImagePath);
        badMeta.Add(new StringContent("{\"unknown\":1}"), "metadata");
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsync("/c/bank/hma/content", badMeta)).StatusCode);
        var notJson = File(ImagePath);
        notJson.Add(new StringContent("{not json"), "metadata");
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsync("/c/bank/hma/content", notJson)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await matcher.PutAsJsonAsync($"/c/bank/hma/content/{id}", new { note = "x" })).StatusCode);

        // A note on POST /c/bank/{name}/signal, as HMA takes it.
        var sig = await Json(await curator.PostAsJsonAsync("/c/bank/hma/signal", new Dictionary<string, string> { ["md5"] = new string('a', 32), ["note"] = "by hand" }));
        Assert.Equal("by hand", (await Json(await matcher.GetAsync($"/c/bank/hma/content/{sig.GetProperty("id").GetInt64()}"))).GetProperty("note").GetString());

        // DELETE -> {"deleted": 1}, then 0.
        Assert.Equal("{\"deleted\":1}", await (await curator.DeleteAsync($"/c/bank/hma/content/{id}")).Content.ReadAsStringAsync());
        Assert.Equal("{\"deleted\":0}", await (await curator.DeleteAsync($"/c/bank/hma/content/{id}")).Content.ReadAsStringAsync());
        Assert.False(await Matches());

        var actions = (await h.State.Audit.ListAsync(0, 1000)).Select(e => e.Action).ToList();
        Assert.Contains("bank.entry.update", actions);
        Assert.Contains("bank.entry.delete", actions);
    }

    [Fact]
    public async Task V1_routes_edit_an_entry_by_id_and_a_bank_quarantines_its_new_entries()
    {
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = "v" })).StatusCode);
        var bank = await Json(await curator.PatchAsJsonAsync("/v1/banks/v", new { new_entry_quarantine_hours = 2, matching_enabled_ratio = 0.5 }));
        Assert.Equal(2, bank.GetProperty("new_entry_quarantine_hours").GetInt32());
        Assert.Equal(0.5, bank.GetProperty("matching_enabled_ratio").GetDouble());
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PatchAsJsonAsync("/v1/banks/v", new { matching_enabled_ratio = -1 })).StatusCode);
        await curator.PatchAsJsonAsync("/v1/banks/v", new { matching_enabled_ratio = 1 });

        await curator.PostAsJsonAsync("/v1/banks/v/entries", new { entries = new[] { new { signal_type = "md5", value = ImageMd5 } } });
        var entry = (await Json(await curator.GetAsync("/v1/banks/v/entries"))).GetProperty("entries")[0];
        long id = entry.GetProperty("id").GetInt64();
        var until = entry.GetProperty("disable_until").GetDateTimeOffset();
        Assert.Equal(entry.GetProperty("added_at").GetDateTimeOffset().AddHours(2), until);

        async Task<int> Hits() => (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = ImageMd5, review = false }))).GetProperty("matches").GetArrayLength();
        Assert.Equal(0, await Hits()); // waiting out its two hours

        var patched = await Json(await curator.PatchAsJsonAsync($"/v1/banks/v/entries/{id}", new
        {
            disable_until = (DateTimeOffset?)null, note = "checked", metadata = new Dictionary<string, string> { ["ticket"] = "T-1" }, original_media_uri = "s3://b/k",
        }));
        Assert.False(patched.TryGetProperty("disable_until", out _));
        Assert.Equal("checked", patched.GetProperty("note").GetString());
        Assert.Equal("T-1", patched.GetProperty("metadata").GetProperty("ticket").GetString());
        Assert.Equal(1, await Hits());
        Assert.Equal("checked", (await Json(await matcher.GetAsync($"/v1/banks/v/entries/{id}"))).GetProperty("note").GetString());

        var bad = await curator.PatchAsJsonAsync($"/v1/banks/v/entries/{id}", new { original_media_uri = "javascript:alert(1)" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("original media URI", (await Json(bad)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await curator.PatchAsJsonAsync($"/v1/banks/v/entries/{id + 99}", new { note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await matcher.PatchAsJsonAsync($"/v1/banks/v/entries/{id}", new { note = "x" })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await curator.DeleteAsync($"/v1/banks/v/entries/{id}")).StatusCode);
        Assert.Equal(0, await Hits());
        Assert.Equal(HttpStatusCode.NotFound, (await curator.DeleteAsync($"/v1/banks/v/entries/{id}")).StatusCode);
        var audit = (await h.State.Audit.ListAsync(0, 1000)).Where(e => e.Target == $"bank:v/entry:{id}").Select(e => e.Action).ToList();
        Assert.Equal(["bank.entry.update", "bank.entry.delete"], audit);
    }
}
