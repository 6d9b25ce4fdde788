using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Safeguard.Exchanges;
using static Safeguard.Server.Tests.ServerHarness;
using static Safeguard.Server.Tests.Exchanges.ExchangeTestSupport;

namespace Safeguard.Server.Tests.Exchanges;

/// <summary>
/// The exchange routes on a real server: HMA's <c>/c/exchanges</c> shapes as curation.py documents
/// them, the <c>/v1/exchanges</c> routes, roles, audit, and the exchanges in <c>/v1/index/status</c>.
/// </summary>
public sealed class ExchangeRouteTests
{
    private static Task<ServerHarness> StartAsync() => ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { ExchangeFetch = false });

    [Fact]
    public async Task Hma_exchange_routes_answer_in_hmas_shapes()
    {
        await using var h = await StartAsync();
        var (list, hashes) = WriteList(3);

        // HMA: POST /c/exchanges {bank, api, api_json} -> 201 {"message": "Created successfully"}
        var created = await h.Admin.PostAsJsonAsync("/c/exchanges", new { bank = "HMA_FEED", api = "file", api_json = new { path = list, signal_type = "md5" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("""{"message":"Created successfully"}""", await created.Content.ReadAsStringAsync());

        Assert.Equal("""["HMA_FEED"]""", await h.Admin.GetStringAsync("/c/exchanges"));
        var apis = JsonSerializer.Deserialize<string[]>(await h.Admin.GetStringAsync("/c/exchanges/apis"))!;
        Assert.Equal(ExchangeTypes.BuiltIn.Select(t => t.Name), apis);
        Assert.Contains("file", apis);

        // HMA: GET /c/exchange/{name} -> the config: name, api, enabled and the type's own fields.
        var config = await Json(await h.Admin.GetAsync("/c/exchange/HMA_FEED"));
        Assert.Equal("HMA_FEED", config.GetProperty("name").GetString());
        Assert.Equal("file", config.GetProperty("api").GetString());
        Assert.True(config.GetProperty("enabled").GetBoolean());
        Assert.Equal(list, config.GetProperty("path").GetString());

        // HMA: GET /c/exchange/{name}/status -> {last_fetch_time, checkpoint_time, success}, unix seconds, 0 when unset.
        var before = await Json(await h.Admin.GetAsync("/c/exchange/HMA_FEED/status"));
        Assert.Equal(0, before.GetProperty("last_fetch_time").GetInt64());
        Assert.Equal(0, before.GetProperty("checkpoint_time").GetInt64());
        Assert.False(before.GetProperty("success").GetBoolean());

        long t0 = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var fetched = await Json(await h.Admin.PostAsync("/v1/exchanges/HMA_FEED/fetch", null));
        Assert.True(fetched.GetProperty("succeeded").GetBoolean(), fetched.ToString());
        Assert.Equal(3, fetched.GetProperty("added").GetInt64());
        var after = await Json(await h.Admin.GetAsync("/c/exchange/HMA_FEED/status"));
        Assert.InRange(after.GetProperty("last_fetch_time").GetInt64(), t0 - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.InRange(after.GetProperty("checkpoint_time").GetInt64(), t0 - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(after.GetProperty("success").GetBoolean());

        // HMA: PUT /c/exchange/{name} {enabled} -> the config.
        var put = await h.Admin.PutAsJsonAsync("/c/exchange/HMA_FEED", new { enabled = false });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.False((await Json(put)).GetProperty("enabled").GetBoolean());

        // Bad requests, as HMA refuses them: 400 naming the field.
        var notObject = await h.Admin.PostAsJsonAsync("/c/exchanges", new { bank = "X", api = "file", api_json = "path=/x" });
        Assert.Equal(HttpStatusCode.BadRequest, notObject.StatusCode);
        Assert.Contains("api_json", (await Json(notObject)).GetProperty("detail").GetString());
        var noApi = await h.Admin.PostAsJsonAsync("/c/exchanges", new { bank = "X", api = "no_such_api" });
        Assert.Equal(HttpStatusCode.BadRequest, noApi.StatusCode);
        Assert.Contains("no_such_api", (await Json(noApi)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Admin.PostAsJsonAsync("/c/exchanges", new { api = "file" })).StatusCode);

        // HMA: DELETE /c/exchange/{name} -> {"message": "Exchange deleted"}; the bank and its entries stay.
        var deleted = await h.Admin.DeleteAsync("/c/exchange/HMA_FEED");
        Assert.Equal("""{"message":"Exchange deleted"}""", await deleted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await h.Admin.GetAsync("/c/exchange/HMA_FEED")).StatusCode);
        Assert.Equal("[]", await h.Admin.GetStringAsync("/c/exchanges"));
        var bank = await Json(await h.Admin.GetAsync("/v1/banks/HMA_FEED"));
        Assert.Equal(3, bank.GetProperty("enabled").GetInt64());
        foreach (var hash in hashes)
            Assert.Single(await h.State.Banks.FindAsync(Safeguard.Signals.SignalTypes.Md5, hash, "HMA_FEED"));
    }

    [Fact]
    public async Task V1_exchange_routes_check_roles_settings_and_audit_and_the_status_lists_exchanges()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        var (list, hashes) = WriteList(4);
        var body = new { name = "feed", type = "file", bank = "fed", settings = new Dictionary<string, string> { ["path"] = list, ["signal_type"] = "md5" }, interval = "2h" };

        Assert.Equal(HttpStatusCode.Forbidden, (await curator.PostAsJsonAsync("/v1/exchanges", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await matcher.GetAsync("/v1/exchanges")).StatusCode);

        var bad = await h.Admin.PostAsJsonAsync("/v1/exchanges", body with { settings = new Dictionary<string, string> { ["path"] = list, ["colour"] = "blue" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unknown setting 'colour'", (await Json(bad)).GetProperty("detail").GetString());
        var missing = await h.Admin.PostAsJsonAsync("/v1/exchanges", body with { settings = new Dictionary<string, string>() });
        Assert.Contains("setting 'path' is required", (await Json(missing)).GetProperty("detail").GetString());
        Assert.Contains("interval", (await Json(await h.Admin.PostAsJsonAsync("/v1/exchanges", body with { interval = "forever" }))).GetProperty("detail").GetString());

        var created = await h.Admin.PostAsJsonAsync("/v1/exchanges", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await Json(created);
        Assert.Equal("fed", view.GetProperty("bank").GetString());
        Assert.Equal(7200, view.GetProperty("interval_seconds").GetDouble());
        Assert.Equal(list, view.GetProperty("settings").GetProperty("path").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await h.Admin.PostAsJsonAsync("/v1/exchanges", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await h.Admin.PostAsJsonAsync("/v1/exchanges", body with { name = "other" })).StatusCode);

        var types = await Json(await curator.GetAsync("/v1/exchanges/types"));
        var file = types.GetProperty("types").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "file");
        Assert.Contains(file.GetProperty("settings").EnumerateArray(), s => s.GetProperty("name").GetString() == "path" && s.GetProperty("required").GetBoolean());

        // Before any fetch the status row is there with nulls; a fetch by a curator fills the bank and the index.
        var status = await Json(await matcher.GetAsync("/v1/index/status"));
        var row = status.GetProperty("exchanges").EnumerateArray().Single();
        foreach (var key in new[] { "name", "type", "bank", "enabled", "last_fetch", "last_success", "lag_seconds", "error", "next_fetch", "consecutive_failures" })
            Assert.True(row.TryGetProperty(key, out _), $"index status exchange row lacks {key}: {row}");
        Assert.Equal(JsonValueKind.Null, row.GetProperty("last_fetch").ValueKind);

        var fetched = await Json(await curator.PostAsync("/v1/exchanges/feed/fetch", null));
        Assert.Equal(4, fetched.GetProperty("added").GetInt64());
        var hit = await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = hashes[2], review = false }));
        Assert.Equal("fed", hit.GetProperty("matches")[0].GetProperty("bank").GetString());

        row = (await Json(await matcher.GetAsync("/v1/index/status"))).GetProperty("exchanges").EnumerateArray().Single();
        Assert.Equal("feed", row.GetProperty("name").GetString());
        Assert.Equal("file", row.GetProperty("type").GetString());
        Assert.Equal("fed", row.GetProperty("bank").GetString());
        Assert.True(row.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("error").ValueKind);
        Assert.Equal(0, row.GetProperty("consecutive_failures").GetInt32());
        var lastFetch = row.GetProperty("last_fetch").GetDateTimeOffset();
        Assert.InRange(DateTimeOffset.UtcNow - lastFetch, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        // The next fetch is one interval (2 h) after this one.
        Assert.InRange(row.GetProperty("next_fetch").GetDateTimeOffset() - lastFetch, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        Assert.InRange(row.GetProperty("lag_seconds").GetDouble(), 0, 60);

        var patched = await h.Admin.PatchAsJsonAsync("/v1/exchanges/feed", new { enabled = false, interval = "30m" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var p = await Json(patched);
        Assert.False(p.GetProperty("enabled").GetBoolean());
        Assert.Equal(1800, p.GetProperty("interval_seconds").GetDouble());
        Assert.Equal(HttpStatusCode.Forbidden, (await curator.PatchAsJsonAsync("/v1/exchanges/feed", new { enabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Admin.PatchAsJsonAsync("/v1/exchanges/nosuch", new { enabled = true })).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await curator.DeleteAsync("/v1/exchanges/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.DeleteAsync("/v1/exchanges/feed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await curator.GetAsync("/v1/exchanges/feed")).StatusCode);
        Assert.Equal(4, (await Json(await curator.GetAsync("/v1/banks/fed"))).GetProperty("enabled").GetInt64());
        Assert.Empty((await Json(await matcher.GetAsync("/v1/index/status"))).GetProperty("exchanges").EnumerateArray());

        var actions = (await h.State.Db.QueryAsync("SELECT action, detail FROM audit_log WHERE target = 'exchange:feed' ORDER BY seq",
            r => (Action: r.GetString(0), Detail: r.IsDBNull(1) ? "" : r.GetString(1)))).ToList();
        Assert.Equal(["exchange.add", "exchange.fetch", "exchange.update", "exchange.remove"], actions.Select(a => a.Action));
        // The audit names the settings, never their values.
        Assert.Contains("settings=path,signal_type", actions[0].Detail);
        Assert.DoesNotContain(list, actions[0].Detail);
    }
}
