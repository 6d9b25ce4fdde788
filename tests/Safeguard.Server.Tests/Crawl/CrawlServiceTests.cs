using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Crawl.Tests.Site;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests.Crawl;

/// <summary>
/// The crawler inside `serve`: URLs posted to /v1/crawl/urls are crawled from the generated test site
/// on 127.0.0.1, matched against the service's banks (Meta's reference hashes), suspected media goes
/// through the blurred review queue, and the reviewer's decision decides what `crawl notices collect` takes.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by xunit through IAsyncLifetime.DisposeAsync.")]
public sealed class CrawlServiceTests : IAsyncLifetime
{
    private readonly TestSite _site = new();

    public Task InitializeAsync() => Task.Run(_site.StartAsync);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(TestData.PdqFile(TestSite.Images[path]))));

    /// <summary>A PDQ value exactly <paramref name="bits"/> bits away from <paramref name="hex"/> (the first bits flipped).</summary>
    private static string FlipBits(string hex, int bits)
    {
        var b = Convert.FromHexString(hex);
        for (int i = 0; i < bits; i++) b[i / 8] ^= (byte)(0x80 >> (i % 8));
        return Convert.ToHexStringLower(b);
    }

    private static async Task<JsonElement> WaitForRequestsAsync(HttpClient client, int done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var status = await Json(await client.GetAsync("/v1/crawl/status"));
            var requests = status.GetProperty("requests");
            if (requests.GetProperty("done").GetInt64() + requests.GetProperty("failed").GetInt64() >= done) return status;
            Assert.True(DateTime.UtcNow < until, $"the crawl did not finish: {status}");
            await Task.Delay(200);
        }
    }

    private static async Task<List<JsonElement>> AllSightingsAsync(HttpClient client, string query = "")
    {
        var all = new List<JsonElement>();
        long? after = 0;
        while (after is not null)
        {
            var page = await Json(await client.GetAsync($"/v1/crawl/sightings?limit=3&after={after}{query}"));
            all.AddRange(page.GetProperty("sightings").EnumerateArray());
            after = page.TryGetProperty("next_after", out var next) && next.ValueKind == JsonValueKind.Number ? next.GetInt64() : null;
        }
        return all;
    }

    [Fact]
    public Task Posted_urls_are_crawled_matched_suspected_media_reviewed_and_only_confirmed_sightings_reach_notices() => CrawlReviewNoticeAsync(TestDb.Sqlite());

    /// <summary>The same path with the service (and so its frontier) on PostgreSQL; skipped without a test server (fails under CI).</summary>
    [SkippableFact]
    public async Task On_postgresql_posted_urls_are_crawled_reviewed_and_only_confirmed_sightings_reach_notices() =>
        await CrawlReviewNoticeAsync(await TestDb.PostgresAsync());

    private async Task CrawlReviewNoticeAsync(string db)
    {
        await using var h = await StartAsync(db, o => o with
        {
            Demo = false, FetchAllowList = ["127.0.0.1/32"], CrawlDelay = TimeSpan.Zero, CrawlRetryBase = TimeSpan.FromMilliseconds(50),
            CrawlTimeout = TimeSpan.FromSeconds(6), MaxMediaBytes = 4L << 20, CrawlSuspectThreshold = 60,
        });
        // The bank: the site's banked images by Meta's reference PDQ, and two entries 40 bits from two unbanked
        // images (outside the threshold of 31, inside the suspect threshold of 60).
        Assert.Equal(HttpStatusCode.Created, (await h.Admin.PostAsJsonAsync("/v1/banks", new { name = "known" })).StatusCode);
        var entries = TestSite.Banked.Select(p => TestImages.ReferencePdq(TestSite.Images[p])).Distinct()
            .Select(v => new { signal_type = "pdq", value = v, content_id = "banked" })
            .Append(new { signal_type = "pdq", value = FlipBits(TestImages.ReferencePdq(TestSite.Images["/private/secret.jpg"]), 40), content_id = "near-q0746" })
            .Append(new { signal_type = "pdq", value = FlipBits(TestImages.ReferencePdq(TestSite.Images["/img/wee.jpg"]), 40), content_id = "near-wee" })
            .ToArray();
        Assert.True((await h.Admin.PostAsJsonAsync("/v1/banks/known/entries", new { entries })).IsSuccessStatusCode);
        await h.State.Index.RefreshAsync();

        var crawler = await h.ClientAsync("crawler");
        var posted = await crawler.PostAsJsonAsync("/v1/crawl/urls", new { urls = L(_site.Root.AbsoluteUri), scope = new { depth = 1, ignore_robots = true }, note = "report 42" });
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var accepted = await Json(posted);
        Assert.Equal([_site.Root.AbsoluteUri], accepted.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        Assert.True(accepted.GetProperty("scope").GetProperty("same_host").GetBoolean());

        var status = await WaitForRequestsAsync(crawler, 1);
        Assert.Equal(1, status.GetProperty("requests").GetProperty("done").GetInt64());
        Assert.False(status.TryGetProperty("last_error", out var error), $"last error: {error}");

        string U(string path) => _site.Url(path).AbsoluteUri;
        var sightings = await AllSightingsAsync(crawler);
        Assert.Equal(sightings.Select(s => s.GetProperty("id").GetInt64()).Distinct().Count(), sightings.Count); // keyset pages do not overlap
        var bank = sightings.Where(s => s.GetProperty("match_kind").GetString() == "bank" && s.GetProperty("signal_type").GetString() == "pdq").ToList();
        foreach (var path in TestSite.Banked.Append("/img/copy-of-bridge.jpg"))
        {
            var s = Assert.Single(bank, x => x.GetProperty("url").GetString() == U(path));
            Assert.Equal(TestImages.ReferencePdq(TestSite.Images[path]), s.GetProperty("pdq").GetString());
            Assert.Equal(Sha256Of(path), s.GetProperty("sha256").GetString());
            Assert.Equal("confirmed", s.GetProperty("review_state").GetString());
            Assert.Equal(0, s.GetProperty("distance").GetInt32());
        }
        // robots.txt disallows /private/, but the request's scope says ignore_robots: its image was fetched (and is suspected below).
        Assert.Contains(sightings, s => s.GetProperty("url").GetString() == U("/private/secret.jpg"));

        // Suspected: exactly the two near misses, at distance 40, pending review.
        var suspected = await AllSightingsAsync(crawler, "&match_kind=suspected");
        Assert.Equal(L("near-q0746", "near-wee"), suspected.Select(s => s.GetProperty("content_id").GetString()).Distinct().Order());
        Assert.All(suspected, s => Assert.Equal(40, s.GetProperty("distance").GetInt32()));
        Assert.All(suspected, s => Assert.Equal("pending", s.GetProperty("review_state").GetString()));
        Assert.Equal(suspected.Count, status.GetProperty("sightings").GetProperty("pending_review").GetInt64());
        Assert.Equal(suspected.Count, status.GetProperty("sightings").GetProperty("suspected").GetInt64());

        // Each became one blurred review item (one per content, however many URLs showed it), holding a bounded preview.
        var reviewer = await h.ClientAsync("reviewer");
        var items = (await Json(await reviewer.GetAsync("/v1/review/items?kind=crawl-suspected&limit=50"))).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { Sha256Of("/private/secret.jpg"), Sha256Of("/img/wee.jpg") }.Order(), items.Select(i => i.GetProperty("sha256").GetString()).Order());
        var secret = items.Single(i => i.GetProperty("sha256").GetString() == Sha256Of("/private/secret.jpg"));
        var wee = items.Single(i => i.GetProperty("sha256").GetString() == Sha256Of("/img/wee.jpg"));
        Assert.Contains("report 42", secret.GetProperty("submission_note").GetString());
        Assert.Equal(40, Assert.Single(secret.GetProperty("matches").EnumerateArray()).GetProperty("distance").GetInt32());
        var blurred = await reviewer.GetAsync($"/v1/review/items/{secret.GetProperty("id").GetInt64()}/media");
        Assert.Equal(HttpStatusCode.OK, blurred.StatusCode);
        Assert.Equal("image/png", blurred.Content.Headers.ContentType!.MediaType);
        var preview = await h.State.Review.GetMediaAsync(secret.GetProperty("id").GetInt64());
        Assert.NotNull(preview);
        Assert.NotEqual(System.IO.File.ReadAllBytes(TestData.PdqFile(TestSite.Images["/private/secret.jpg"])), preview); // the preview, not the fetched file

        // Before any decision, notices take only the bank sightings.
        var dir = TestTemp.Directory("sg-crawl-notices");
        Directory.CreateDirectory(dir);
        System.IO.File.WriteAllText(Path.Combine(dir, "contacts.csv"), "match,provider,abuse_email\n127.0.0.1/32,Loopback Hosting,abuse@loopback.example\n");
        var (code, _, err) = CliCommandTests.Run("crawl", "notices", dir, "--crawl-db", db, "collect");
        Assert.True(code == 0, err);
        var noticed = await NoticedAsync(h);
        var bankIds = sightings.Where(s => s.GetProperty("review_state").GetString() == "confirmed").Select(s => s.GetProperty("id").GetInt64()).ToHashSet();
        Assert.Equal(bankIds.Order(), noticed.Order());

        // The reviewer confirms one and rejects the other; the sightings follow, and collect adds only the confirmed one.
        var confirm = await reviewer.PostAsJsonAsync($"/v1/review/items/{secret.GetProperty("id").GetInt64()}/decision", new { decision = "confirmed", category = "VICS-1" });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var reject = await reviewer.PostAsJsonAsync($"/v1/review/items/{wee.GetProperty("id").GetInt64()}/decision", new { decision = "false_positive" });
        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        var after = await AllSightingsAsync(crawler, "&match_kind=suspected");
        var secretIds = after.Where(s => s.GetProperty("sha256").GetString() == Sha256Of("/private/secret.jpg")).ToList();
        var weeIds = after.Where(s => s.GetProperty("sha256").GetString() == Sha256Of("/img/wee.jpg")).ToList();
        Assert.NotEmpty(secretIds);
        Assert.NotEmpty(weeIds);
        Assert.All(secretIds, s => Assert.Equal("confirmed", s.GetProperty("review_state").GetString()));
        Assert.All(weeIds, s => Assert.Equal("rejected", s.GetProperty("review_state").GetString()));
        (code, _, err) = CliCommandTests.Run("crawl", "notices", dir, "--crawl-db", db, "collect");
        Assert.True(code == 0, err);
        noticed = await NoticedAsync(h);
        Assert.Equal(bankIds.Concat(secretIds.Select(s => s.GetProperty("id").GetInt64())).Order(), noticed.Order());

        var final = await Json(await crawler.GetAsync("/v1/crawl/status"));
        Assert.Equal(0, final.GetProperty("sightings").GetProperty("pending_review").GetInt64());
        Assert.Equal(weeIds.Count, final.GetProperty("sightings").GetProperty("rejected").GetInt64());
    }

    private static string[] L(params string[] values) => values;

    private static Task<List<long>> NoticedAsync(ServerHarness h) =>
        h.State.Db.QueryAsync("SELECT sighting_id FROM notice_sightings ORDER BY sighting_id", r => r.GetInt64(0));

    [Fact]
    public async Task Bad_crawl_requests_get_clear_400s_and_nothing_is_queued()
    {
        // No --fetch-allow: the test site's loopback address is refused.
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false, CrawlMaxUrlsPerRequest = 5 });
        var crawler = await h.ClientAsync("crawler");
        async Task<string> Refused(object body, HttpStatusCode expected = HttpStatusCode.BadRequest)
        {
            var r = await crawler.PostAsJsonAsync("/v1/crawl/urls", body);
            var text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == expected, $"{(int)r.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        }
        Assert.Contains("scheme 'ftp'", await Refused(new { urls = L("https://example.com/", "ftp://example.com/file") }));
        Assert.Contains("urls[1]", await Refused(new { urls = L("https://example.com/", "ftp://example.com/file") }));
        Assert.Contains("javascript", await Refused(new { urls = L("javascript:alert(1)") }));
        Assert.Contains("over the 8,192 limit", await Refused(new { urls = L("https://example.com/?" + new string('a', 100_000)) }));
        Assert.Contains("credentials", await Refused(new { urls = L("http://user:pw@example.com/") }));
        Assert.Contains("127.0.0.1", await Refused(new { urls = L(_site.Root.AbsoluteUri) }));
        Assert.Contains("--fetch-allow", await Refused(new { urls = L("http://localhost/") }));
        Assert.Contains("10.1.2.3", await Refused(new { urls = L("http://10.1.2.3/") }));
        Assert.Contains("over the limit of 5", await Refused(new { urls = Enumerable.Range(0, 6).Select(i => $"https://example.com/{i}").ToArray() }));
        Assert.Contains("urls is required", await Refused(new { urls = Array.Empty<string>() }));
        Assert.Contains("urls is required", await Refused(new { note = "no urls" }));
        Assert.Contains("scope.depth", await Refused(new { urls = L("https://example.com/"), scope = new { depth = 99 } }));
        Assert.Contains("scope.patterns[0]", await Refused(new { urls = L("https://example.com/"), scope = new { patterns = L("([unclosed") } }));
        Assert.Contains("note", await Refused(new { urls = L("https://example.com/"), note = new string('n', 5000) }));
        foreach (var malformed in new[] { "{\"urls\": [", "not json", "{\"urls\": \"https://example.com/\"}", "null" })
        {
            var r = await crawler.PostAsync("/v1/crawl/urls", new StringContent(malformed, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        var huge = await crawler.PostAsync("/v1/crawl/urls", new StringContent("{\"urls\": [\"" + new string('a', 3 << 20) + "\"]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        // Roles: a matcher key may not post; a reviewer reads the status but may not post either.
        var matcher = await h.ClientAsync("matcher");
        Assert.Equal(HttpStatusCode.Forbidden, (await matcher.PostAsJsonAsync("/v1/crawl/urls", new { urls = L("https://example.com/") })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await matcher.GetAsync("/v1/crawl/status")).StatusCode);
        var reviewer = await h.ClientAsync("reviewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync("/v1/crawl/urls", new { urls = L("https://example.com/") })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync("/v1/crawl/status")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await crawler.GetAsync("/v1/crawl/sightings?match_kind=other")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await crawler.GetAsync("/v1/crawl/sightings?limit=abc")).StatusCode);

        // A browser session (an admin signed in to the UI) may post only with the UI's anti-forgery header.
        var (_, adminKey) = await h.KeyAsync("ui-admin", null, "admin");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(h.BaseUrl) };
        HttpRequestMessage FromUi(string url, object body, bool header)
        {
            var m = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
            if (header) m.Headers.Add("X-Safeguard-UI", "1");
            m.Headers.Add("Sec-Fetch-Site", "same-origin");
            m.Headers.Add("Origin", h.BaseUrl);
            return m;
        }
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(FromUi("/ui/session", new { key = adminKey }, header: true))).StatusCode);
        var forged = await browser.SendAsync(FromUi("/v1/crawl/urls", new { urls = L("ftp://example.com/") }, header: false));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var fromUi = await browser.SendAsync(FromUi("/v1/crawl/urls", new { urls = L("ftp://example.com/") }, header: true));
        Assert.Equal(HttpStatusCode.BadRequest, fromUi.StatusCode); // past the forgery check, refused for its scheme

        var status = await Json(await crawler.GetAsync("/v1/crawl/status"));
        Assert.Equal(0, status.GetProperty("requests").GetProperty("queued").GetInt64() + status.GetProperty("requests").GetProperty("done").GetInt64());
        Assert.Empty(_site.Requests); // nothing was fetched
    }
}
