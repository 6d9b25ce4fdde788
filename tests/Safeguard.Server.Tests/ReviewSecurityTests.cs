using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SkiaSharp;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>Browser sessions used from other sites, review notes, thresholds, binding errors and large media.</summary>
public sealed class ReviewSecurityTests
{
    private static Task<ServerHarness> StartAsync(Func<ServerOptions, ServerOptions>? configure = null) => ServerHarness.StartAsync(TestDb.Sqlite(), configure);

    /// <summary>A client that keeps cookies, as a browser does.</summary>
    private static HttpClient CookieClient(string baseUrl) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = new Uri(baseUrl) };

    /// <summary>Headers a browser sends for a request made by the UI's own scripts.</summary>
    private static HttpRequestMessage FromUi(HttpMethod method, string url, string baseUrl, HttpContent? content = null)
    {
        var m = new HttpRequestMessage(method, url) { Content = content };
        m.Headers.Add("X-Safeguard-UI", "1");
        m.Headers.Add("Sec-Fetch-Site", "same-origin");
        m.Headers.Add("Origin", baseUrl);
        return m;
    }

    /// <summary>What a page on another port of the same host makes the browser send (an img, a form, a no-cors fetch).</summary>
    private static HttpRequestMessage FromOtherPort(HttpMethod method, string url, int otherPort, HttpContent? content = null, bool withOrigin = true)
    {
        var m = new HttpRequestMessage(method, url) { Content = content };
        m.Headers.Add("Sec-Fetch-Site", "same-site");
        if (withOrigin) m.Headers.Add("Origin", $"http://127.0.0.1:{otherPort}");
        return m;
    }

    private static StringContent JsonBody(object o, string? type = "application/json")
    {
        var c = new StringContent(JsonSerializer.Serialize(o), Encoding.UTF8);
        c.Headers.ContentType = type is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return c;
    }

    private static async Task<HttpClient> SignInAsync(ServerHarness h, string reviewerKey)
    {
        var browser = CookieClient(h.BaseUrl);
        var r = await browser.SendAsync(FromUi(HttpMethod.Post, "/ui/session", h.BaseUrl, JsonBody(new { key = reviewerKey })));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return browser;
    }

    private static async Task<long> QueueImageAsync(ServerHarness h)
    {
        var matcher = await h.ClientAsync("matcher");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        return (await Json(await matcher.PostAsync("/v1/lookup/file", File(image)))).GetProperty("review_item_id").GetInt64();
    }

    private static async Task<List<string>> ViewsAsync(ServerHarness h, long item) =>
        (await h.State.Audit.ListAsync(0, 1000, null, $"item:{item}")).Select(e => e.Action).Where(a => a.StartsWith("media.view", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_page_on_another_port_cannot_unblur_audit_or_spend_the_exposure_cap_through_a_session()
    {
        await using var h = await StartAsync(o => o with { MaxClearViewsPerDay = 1 });
        long item = await QueueImageAsync(h);
        var (_, key) = await h.KeyAsync("Rita", null, "reviewer");
        using var browser = await SignInAsync(h, key);
        int other = FreePort.Next();

        // The old clear-view GET, as an <img> on the other page requests it (with and without an Origin header).
        foreach (bool withOrigin in new[] { true, false })
        {
            var r = await browser.SendAsync(FromOtherPort(HttpMethod.Get, $"/v1/review/items/{item}/media?view=clear", other, withOrigin: withOrigin));
            Assert.False(r.IsSuccessStatusCode, $"cross-site clear view answered {r.StatusCode}");
            Assert.NotEqual("image/png", r.Content.Headers.ContentType?.MediaType);
        }
        var blurred = await browser.SendAsync(FromOtherPort(HttpMethod.Get, $"/v1/review/items/{item}/media", other));
        Assert.Equal(HttpStatusCode.Forbidden, blurred.StatusCode);
        // The new clear route, posted by a form or no-cors fetch from the other page: refused even with the UI's header.
        var post = FromOtherPort(HttpMethod.Post, $"/v1/review/items/{item}/media/clear", other);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(post)).StatusCode);
        post = FromOtherPort(HttpMethod.Post, $"/v1/review/items/{item}/media/clear", other);
        post.Headers.Add("X-Safeguard-UI", "1");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(post)).StatusCode);
        // Reports write audit entries: not from another site either.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(FromOtherPort(HttpMethod.Get, "/v1/reports/vics", other, withOrigin: false))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(FromOtherPort(HttpMethod.Get, "/v1/reports/ncmec", other, withOrigin: false))).StatusCode);

        Assert.Empty(await ViewsAsync(h, item));
        Assert.Empty(await h.State.Audit.ListAsync(0, 1000, "media.view.clear", null));
        Assert.DoesNotContain(await h.State.Audit.ListAsync(0, 1000), e => e.Action.StartsWith("report.", StringComparison.Ordinal));

        // The UI's own request still works, once (the cap of 1 was not spent by the other page).
        var clear = await browser.SendAsync(FromUi(HttpMethod.Post, $"/v1/review/items/{item}/media/clear", h.BaseUrl));
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        Assert.Equal("image/png", clear.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["media.view.clear"], await ViewsAsync(h, item));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.SendAsync(FromUi(HttpMethod.Post, $"/v1/review/items/{item}/media/clear", h.BaseUrl))).StatusCode);
        // A session's blurred view needs the UI's header too (it is audited).
        var noHeader = new HttpRequestMessage(HttpMethod.Get, $"/v1/review/items/{item}/media");
        noHeader.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(noHeader)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(FromUi(HttpMethod.Get, $"/v1/review/items/{item}/media", h.BaseUrl))).StatusCode);
        Assert.Equal(["media.view.clear", "media.view.blurred"], await ViewsAsync(h, item));
    }

    [Fact]
    public async Task Api_key_callers_unblur_with_a_post_and_the_old_clear_get_names_it()
    {
        await using var h = await StartAsync();
        long item = await QueueImageAsync(h);
        var reviewer = await h.ClientAsync("reviewer");
        var old = await reviewer.GetAsync($"/v1/review/items/{item}/media?view=clear");
        Assert.Equal(HttpStatusCode.BadRequest, old.StatusCode);
        Assert.Contains($"POST /v1/review/items/{item}/media/clear", (await Json(old)).GetProperty("error").GetString());
        Assert.Empty(await ViewsAsync(h, item));
        var clear = await reviewer.PostAsync($"/v1/review/items/{item}/media/clear", null);
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
        var blurred = await reviewer.GetByteArrayAsync($"/v1/review/items/{item}/media");
        Assert.NotEqual(blurred, await clear.Content.ReadAsByteArrayAsync());
        Assert.Equal(["media.view.clear", "media.view.blurred"], await ViewsAsync(h, item));
    }

    [Fact]
    public async Task Sign_in_from_another_site_is_refused_and_sets_no_cookie()
    {
        await using var h = await StartAsync();
        var (_, key) = await h.KeyAsync("Rita", null, "reviewer");
        int other = FreePort.Next();
        // A no-cors fetch with a Blob body sends no Content-Type; a form sends text/plain.
        foreach (var type in new[] { null, "text/plain" })
        {
            using var victim = CookieClient(h.BaseUrl);
            var r = await victim.SendAsync(FromOtherPort(HttpMethod.Post, "/ui/session", other, JsonBody(new { key }, type)));
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.False(r.Headers.Contains("Set-Cookie"));
        }
        // Even with the header (it cannot be sent cross-site without CORS, but Sec-Fetch-Site and Origin still say where it came from).
        using var c = CookieClient(h.BaseUrl);
        var withHeader = FromOtherPort(HttpMethod.Post, "/ui/session", other, JsonBody(new { key }));
        withHeader.Headers.Add("X-Safeguard-UI", "1");
        Assert.Equal(HttpStatusCode.Forbidden, (await c.SendAsync(withHeader)).StatusCode);
        var noHeader = new HttpRequestMessage(HttpMethod.Post, "/ui/session") { Content = JsonBody(new { key }) };
        Assert.Equal(HttpStatusCode.Forbidden, (await c.SendAsync(noHeader)).StatusCode);
        Assert.Equal(0L, (long)(await h.State.Db.ScalarAsync("SELECT COUNT(*) FROM sessions"))!);
        // The UI's own sign-in works.
        using var ok = await SignInAsync(h, key);
        Assert.Equal(1L, (long)(await h.State.Db.ScalarAsync("SELECT COUNT(*) FROM sessions"))!);
    }

    [Fact]
    public async Task Responses_and_media_carry_cross_origin_resource_policy_same_origin()
    {
        await using var h = await StartAsync();
        long item = await QueueImageAsync(h);
        var reviewer = await h.ClientAsync("reviewer");
        foreach (var r in new[]
        {
            await reviewer.GetAsync($"/v1/review/items/{item}/media"),
            await reviewer.PostAsync($"/v1/review/items/{item}/media/clear", null),
            await reviewer.GetAsync($"/v1/review/items/{item}"),
            await NewClient(h.BaseUrl, null).GetAsync("/ui/"),
        })
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("same-origin", r.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
        }
    }

    [Fact]
    public async Task A_submission_note_sent_as_form_field_or_query_is_stored_and_kept_after_the_decision()
    {
        await using var h = await StartAsync();
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        var image = Path.Combine(TestImages.Bridge, "aaa-orig.jpg");
        var form = File(image);
        form.Add(new StringContent("reported by user 42 <b>"), "note");
        var byForm = (await Json(await matcher.PostAsync("/v1/review/submit", form))).GetProperty("review_item_id").GetInt64();
        // Another file: the same one again would be counted on the first item (its note in the audit log).
        var byQuery = (await Json(await matcher.PostAsync("/v1/review/submit?note=user+report", File(Path.Combine(TestImages.Bridge, "blur-a-little.jpg"))))).GetProperty("review_item_id").GetInt64();
        Assert.Equal("reported by user 42 <b>", (await Json(await reviewer.GetAsync($"/v1/review/items/{byForm}"))).GetProperty("submission_note").GetString());
        Assert.Equal("user report", (await Json(await reviewer.GetAsync($"/v1/review/items/{byQuery}"))).GetProperty("submission_note").GetString());

        // The reviewer's note is the decision's; the submitter's stays.
        await reviewer.PostAsJsonAsync($"/v1/review/items/{byForm}/decision", new { decision = "escalate", note = "second opinion" });
        var decided = await Json(await reviewer.GetAsync($"/v1/review/items/{byForm}"));
        Assert.Equal("reported by user 42 <b>", decided.GetProperty("submission_note").GetString());
        Assert.Equal("second opinion", decided.GetProperty("note").GetString());

        var both = File(image);
        both.Add(new StringContent("a"), "note");
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsync("/v1/review/submit?note=b", both)).StatusCode);
        var longNote = await matcher.PostAsync("/v1/review/submit?note=" + new string('n', 4001), File(image));
        Assert.Equal(HttpStatusCode.BadRequest, longNote.StatusCode);
        Assert.Contains("note", (await Json(longNote)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Thresholds_outside_the_signal_types_range_are_refused_on_every_route()
    {
        await using var h = await StartAsync(o => o with { Demo = false });
        var matcher = await h.ClientAsync("matcher");
        string pdq = new('a', 64), md5 = new('b', 32);
        foreach (var (route, body) in new (string, object)[]
        {
            ("/v1/compare", new { signal_type = "pdq", a = pdq, b = pdq, threshold = -1 }),
            ("/v1/compare", new { signal_type = "pdq", a = pdq, b = pdq, threshold = 64 }),
            ("/v1/compare", new { signal_type = "md5", a = md5, b = md5, threshold = 3 }),
            ("/v1/lookup", new { signal_type = "pdq", value = pdq, threshold = 64 }),
            ("/v1/lookup", new { signal_type = "pdq", value = pdq, threshold = 256 }),
            ("/v1/lookup", new { signal_type = "pdq", value = pdq, threshold = -1 }),
            ("/v1/lookup", new { signal_type = "md5", value = md5, threshold = 3 }),
        })
        {
            var r = await matcher.PostAsJsonAsync(route, body);
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{route} {JsonSerializer.Serialize(body)}: {r.StatusCode}");
            Assert.Contains("threshold", (await Json(r)).GetProperty("error").GetString());
        }
        foreach (int t in new[] { 0, 31, 63 })
        {
            Assert.Equal(HttpStatusCode.OK, (await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq, threshold = t })).StatusCode);
            var cmp = await Json(await matcher.PostAsJsonAsync("/v1/compare", new { signal_type = "pdq", a = pdq, b = pdq, threshold = t }));
            Assert.True(cmp.GetProperty("match").GetBoolean());
        }
        Assert.Equal(HttpStatusCode.OK, (await matcher.PostAsJsonAsync("/v1/compare", new { signal_type = "md5", a = md5, b = md5, threshold = 0 })).StatusCode);
    }

    [Fact]
    public async Task Query_values_that_do_not_bind_get_a_json_error_naming_the_parameter()
    {
        await using var h = await StartAsync(o => o with { Demo = false });
        foreach (var (url, parameter) in new[]
        {
            ("/v1/review/items?limit=99999999999999999999", "limit"),
            ("/v1/review/items?after=abc", "after"),
            ("/v1/audit?after=1e5", "after"),
            ("/v1/banks?offset=x", "offset"),
            ("/v1/banks?limit=99999999999999999999", "limit"),
            ("/v1/reports/ncmec/file-details?item=abc&report_id=1&file_id=f", "item"),
            ("/v1/reports/ncmec/file-details?report_id=1&file_id=f", "item"),
        })
        {
            var r = await h.Admin.GetAsync(url);
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{url}: {r.StatusCode}");
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType); // RFC 9457 problem details
            Assert.Contains(parameter, (await Json(r)).GetProperty("error").GetString());
        }
    }

    [Fact]
    [Trait("Timing", "wall-clock")]
    public async Task Views_of_a_very_large_image_render_from_a_bounded_preview_made_at_submission()
    {
        await using var h = await StartAsync(o => o with { Demo = false, MaxClearViewsPerDay = 0 });
        const int width = 12000, height = 8000; // 96 megapixels
        byte[] jpeg;
        using (var bmp = new SKBitmap(width, height))
        {
            using (var canvas = new SKCanvas(bmp))
            using (var paint = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [SKColors.Red, SKColors.Blue], SKShaderTileMode.Clamp) })
                canvas.DrawRect(0, 0, width, height, paint);
            using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, 70);
            jpeg = data.ToArray();
        }
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        var submitted = await matcher.PostAsync("/v1/review/submit", Bytes(jpeg, "huge.jpg"));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        long item = (await Json(submitted)).GetProperty("review_item_id").GetInt64();

        var shownSize = (640, (int)Math.Round(640.0 * height / width)); // 640 x 427
        var times = new List<long>();
        foreach (var path in new[] { "media", "media", "media?view=blurred" })
        {
            var sw = Stopwatch.StartNew();
            var png = await reviewer.GetByteArrayAsync($"/v1/review/items/{item}/{path}");
            times.Add(sw.ElapsedMilliseconds);
            using var shown = SKBitmap.Decode(png);
            Assert.Equal(shownSize, (shown.Width, shown.Height));
        }
        // Rendering from the full 96 MP image took 2-4 s a view; from the preview it is well under a second.
        Assert.True(times.Max() < 1500, $"blurred views took {string.Join(", ", times)} ms");
        var preview = (await h.State.Db.QueryAsync("SELECT preview FROM review_media WHERE item_id = @id", r => (byte[])r[0], ("@id", item))).Single();
        using (var p = SKBitmap.Decode(preview))
        {
            Assert.Equal(1024, Math.Max(p.Width, p.Height));
            Assert.Equal(width / (double)height, p.Width / (double)p.Height, 2);
        }
        var clear = await reviewer.PostAsync($"/v1/review/items/{item}/media/clear", null);
        using (var shown = SKBitmap.Decode(await clear.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(shownSize, (shown.Width, shown.Height));
            // Clear: the gradient's colours, red at the top left, blue at the bottom right.
            var tl = shown.GetPixel(2, 2); var br = shown.GetPixel(637, 424);
            Assert.True(tl.Red > 200 && tl.Blue < 60 && br.Blue > 200 && br.Red < 60, $"{tl} {br}");
        }
    }
}
