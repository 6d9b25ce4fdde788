using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>Every bad input gets a clear 4xx, nothing is stored, nothing leaks.</summary>
public sealed class BadInputTests
{
    private static Task<ServerHarness> StartAsync(Func<ServerOptions, ServerOptions>? configure = null) => ServerHarness.StartAsync(TestDb.Sqlite(), configure);

    [Fact]
    public async Task Uploads_oversized_truncated_empty_or_not_images_are_refused_and_nothing_is_stored()
    {
        await using var h = await StartAsync(o => o with { MaxMediaBytes = 64 * 1024 });
        var matcher = await h.ClientAsync("matcher");
        long before = await h.ReviewCountAsync();

        var big = new byte[200 * 1024];
        // Expect: 100-continue lets the server refuse before the body is sent (otherwise the client may see a reset).
        var r = await matcher.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/lookup/file") { Content = Bytes(big, "big.jpg"), Headers = { ExpectContinue = true } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("limit", (await Json(r)).GetProperty("error").GetString());
        r = await matcher.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/lookup/file") { Content = new ByteArrayContent(big), Headers = { ExpectContinue = true } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);

        var text = Encoding.UTF8.GetBytes("this is not an image at all");
        r = await matcher.PostAsync("/v1/lookup/file", Bytes(text, "notes.txt"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        Assert.Contains("not a decodable image", (await Json(r)).GetProperty("error").GetString());
        var jpeg = System.IO.File.ReadAllBytes(Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First());
        r = await matcher.PostAsync("/v1/lookup/file", Bytes(jpeg[..(jpeg.Length / 3)], "cut.jpg"));
        Assert.True(r.StatusCode is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.OK, r.StatusCode.ToString()); // a cut JPEG may still decode partly
        r = await matcher.PostAsync("/v1/hash", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var emptyForm = new MultipartFormDataContent { { new StringContent("x"), "field" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsync("/v1/hash", emptyForm)).StatusCode);

        // A body that ends before its Content-Length: the server answers 400 or drops the connection; nothing is stored.
        var status = await RawRequestAsync(h.BaseUrl, "POST /v1/lookup/file HTTP/1.1\r\nHost: x\r\nAuthorization: " +
            matcher.DefaultRequestHeaders.Authorization + "\r\nContent-Type: image/jpeg\r\nContent-Length: 50000\r\n\r\n", jpeg[..1000]);
        Assert.True(status is null or 400, $"status {status}");
        Assert.Equal(before, await h.ReviewCountAsync());
    }

    /// <summary>Sends a raw request, half-closes, and returns the status code (null when the connection was dropped).</summary>
    private static async Task<int?> RawRequestAsync(string baseUrl, string head, byte[] body)
    {
        var uri = new Uri(baseUrl);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.ASCII.GetBytes(head));
        await s.WriteAsync(body);
        tcp.Client.Shutdown(SocketShutdown.Send);
        var buf = new byte[4096];
        try
        {
            int n = await s.ReadAsync(buf).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            if (n == 0) return null;
            var line = Encoding.ASCII.GetString(buf, 0, n).Split("\r\n")[0];
            return int.Parse(line.Split(' ')[1]);
        }
        catch (IOException) { return null; }
    }

    [Fact]
    public async Task Malformed_json_unknown_banks_and_hostile_names_get_clear_4xx()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        var bad = new StringContent("{\"signal_type\": \"pdq\", \"value\": ", Encoding.UTF8, "application/json");
        var r = await matcher.PostAsync("/v1/lookup", bad);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("malformed JSON", (await Json(r)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsync("/v1/lookup", new StringContent("[1,2]", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsync("/v1/lookup", new StringContent("null", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await matcher.PostAsync("/v1/lookup", new StringContent("x=1", Encoding.UTF8, "application/x-www-form-urlencoded"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = "zz" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "photodna", value = "00" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = "' OR 1=1 --" })).StatusCode);
        var vpdq = await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "vpdq", value = new string('a', 64) + ",100,0.000" });
        Assert.Equal(HttpStatusCode.BadRequest, vpdq.StatusCode);
        Assert.Contains("upload the video", await vpdq.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await curator.GetAsync("/v1/banks/no-such-bank")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await curator.PostAsJsonAsync("/v1/banks/no-such-bank/entries", new { entries = new[] { new { signal_type = "md5", value = new string('a', 32) } } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await curator.PostAsync("/v1/banks/no-such-bank/import", new StringContent("x"))).StatusCode);

        int banksBefore = (await h.State.Banks.ListBanksAsync()).Count;
        foreach (var name in new[] { "x'; DROP TABLE banks; --", "<script>alert(1)</script>", "../../etc/passwd", "a/b", "", new string('n', 500), "\u0000evil" })
        {
            r = await curator.PostAsJsonAsync("/v1/banks", new { name });
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{name}: {r.StatusCode}");
            Assert.Contains("error", await r.Content.ReadAsStringAsync());
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType!.ToString()); // RFC 9457 problem details, never HTML
        }
        Assert.Equal(banksBefore, (await h.State.Banks.ListBanksAsync()).Count);
        var escaped = await (await curator.GetAsync("/v1/banks/%3Cscript%3E")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", escaped); // JSON escapes angle brackets

        // Bad entries, bad categories and decisions.
        await curator.PostAsJsonAsync("/v1/banks", new { name = "b1" });
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsJsonAsync("/v1/banks/b1/entries", new { entries = new[] { new { signal_type = "md5", value = "abc" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsJsonAsync("/v1/banks/b1/entries", new { entries = new[] { new { signal_type = "md5", value = new string('a', 32), category = 9 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsJsonAsync("/v1/banks/b1/entries", new { entries = Array.Empty<object>() })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsJsonAsync("/v1/banks/b1/entries/disable", new { entries = new[] { new { signal_type = "md5", value = new string('a', 32) } } })).StatusCode);
        Assert.Equal(0, (await h.State.Banks.GetStatsAsync("b1")).Enabled);
        var reviewer = await h.ClientAsync("reviewer");
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.PostAsJsonAsync("/v1/review/items/999/decision", new { decision = "confirmed", category = "UK-A" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync("/v1/review/items/999/media")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync("/v1/review/items?status=';--")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.PutAsJsonAsync("/v1/review/settings", new { blur_strength = 0 })).StatusCode);
    }

    [Fact]
    public async Task A_truncated_bulk_import_imports_nothing()
    {
        await using var h = await StartAsync(o => o with { Demo = false });
        var (curator, _) = await h.KeyAsync("curator", null, "curator");
        await curator.PostAsJsonAsync("/v1/banks", new { name = "t" });
        var rng = new Random(3);
        var body = Encoding.ASCII.GetBytes(string.Join("\n", Enumerable.Range(0, 2000).Select(_ => Convert.ToHexStringLower(rng.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 32)))));
        var status = await RawRequestAsync(h.BaseUrl, $"POST /v1/banks/t/import?format=plain HTTP/1.1\r\nHost: x\r\nAuthorization: {curator.DefaultRequestHeaders.Authorization}\r\n" +
            $"Content-Length: {body.Length}\r\n\r\n", body[..(body.Length / 2)]);
        Assert.True(status is null or 400, $"status {status}");
        await Task.Delay(300);
        Assert.Equal(0, (await h.State.Banks.GetStatsAsync("t")).Enabled);
        Assert.DoesNotContain(Directory.GetFiles(Path.GetTempPath(), "safeguard-import-*"), f => System.IO.File.GetLastWriteTimeUtc(f) > DateTime.UtcNow.AddMinutes(-1));
        // The same body complete imports everything.
        var ok = await Json(await curator.PostAsync("/v1/banks/t/import?format=plain", new ByteArrayContent(body)));
        Assert.Equal(2000, ok.GetProperty("result").GetProperty("added").GetInt64());
    }

    [Fact]
    public async Task File_names_are_reduced_to_their_last_segment()
    {
        await using var h = await StartAsync();
        var matcher = await h.ClientAsync("matcher");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(System.IO.File.ReadAllBytes(image)), "file", "../../../../etc/passwd<img src=x onerror=alert(1)>.jpg");
        var r = await Json(await matcher.PostAsync("/v1/review/submit", form));
        var name = r.GetProperty("hashes").GetProperty("file_name").GetString()!;
        Assert.DoesNotContain("/", name);
        Assert.DoesNotContain("..", name);
        var item = await h.State.Review.GetAsync(r.GetProperty("review_item_id").GetInt64());
        Assert.Equal(name, item!.FileName);
    }

    [Fact]
    public async Task Url_fetching_refuses_internal_addresses_and_other_schemes_but_follows_allow_list()
    {
        // A small web server on 127.0.0.2 (allow-listed) serving a test image, and a redirect to 127.0.0.1.
        var image = System.IO.File.ReadAllBytes(Path.Combine(TestImages.Bridge, "aaa-orig.jpg"));
        int port = FreePort.Next();
        var web = WebApplication.CreateSlimBuilder();
        web.WebHost.UseUrls($"http://127.0.0.2:{port}");
        var site = web.Build();
        site.MapGet("/bridge.jpg", () => Results.Bytes(image, "image/jpeg"));
        site.MapGet("/to-loopback", () => Results.Redirect($"http://127.0.0.1:{port}/bridge.jpg"));
        site.MapGet("/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        site.MapGet("/huge", () => Results.Bytes(new byte[5 * 1024 * 1024], "image/jpeg"));
        site.MapGet("/slow", async () => { await Task.Delay(5000); return Results.Bytes(image, "image/jpeg"); });
        await site.StartAsync();
        try
        {
            await using var h = await StartAsync(o => o with { FetchAllowList = ["127.0.0.2"], MaxMediaBytes = 4 * 1024 * 1024, FetchTimeout = TimeSpan.FromSeconds(2) });
            var matcher = await h.ClientAsync("matcher");
            var ok = await matcher.PostAsJsonAsync("/v1/hash/url", new { url = $"http://127.0.0.2:{port}/bridge.jpg" });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(64, (await Json(ok)).GetProperty("pdq").GetString()!.Length);

            foreach (var (url, expected) in new[]
            {
                ($"http://127.0.0.1:{port}/bridge.jpg", HttpStatusCode.Forbidden),
                ("http://169.254.169.254/latest/meta-data/", HttpStatusCode.Forbidden),
                ($"http://localhost:{port}/bridge.jpg", HttpStatusCode.Forbidden),
                ($"http://[::1]:{port}/bridge.jpg", HttpStatusCode.Forbidden),
                ($"http://10.0.0.1/x.jpg", HttpStatusCode.Forbidden),
                ($"http://0x7f000001:{port}/bridge.jpg", HttpStatusCode.Forbidden),
                ($"http://127.0.0.2:{port}/to-loopback", HttpStatusCode.Forbidden),
                ($"http://127.0.0.2:{port}/to-metadata", HttpStatusCode.Forbidden),
                ($"http://127.0.0.2:{port}/huge", HttpStatusCode.RequestEntityTooLarge),
                ($"http://127.0.0.2:{port}/slow", HttpStatusCode.GatewayTimeout),
                ("file:///etc/passwd", HttpStatusCode.BadRequest),
                ("ftp://example.com/x.jpg", HttpStatusCode.BadRequest),
                ("not a url", HttpStatusCode.BadRequest),
            })
            {
                var r = await matcher.PostAsJsonAsync("/v1/lookup/url", new { url });
                Assert.True(r.StatusCode == expected, $"{url}: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            }
            Assert.Equal(HttpStatusCode.Forbidden, (await matcher.GetAsync($"/m/lookup?url={Uri.EscapeDataString("http://169.254.169.254/")}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await matcher.GetAsync($"/h/hash?url={Uri.EscapeDataString($"http://127.0.0.1:{port}/bridge.jpg")}")).StatusCode);
            Assert.Equal(0, await h.ReviewCountAsync());
        }
        finally { await site.StopAsync(); }
    }

    [Fact]
    public async Task Per_key_rate_limit_gives_429_and_overload_gives_503()
    {
        await using var h = await StartAsync(o => o with { MaxConcurrentRequests = 1, MaxQueuedRequests = 1 });
        var (slowKey, _) = await h.KeyAsync("slow", 5, "matcher");
        var codes = new List<HttpStatusCode>();
        for (int i = 0; i < 30; i++)
            codes.Add((await slowKey.PostAsJsonAsync("/v1/compare", new { signal_type = "md5", a = new string('a', 32), b = new string('a', 32) })).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
        Assert.Contains(HttpStatusCode.OK, codes);

        // One permit and one queue slot: many concurrent uploads, some answered 503 at once.
        var matcher = await h.ClientAsync("matcher");
        var image = System.IO.File.ReadAllBytes(Path.Combine(TestImages.Bridge, "aaa-orig.jpg"));
        var tasks = Enumerable.Range(0, 24).Select(_ => matcher.PostAsync("/v1/hash", new ByteArrayContent(image))).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.Contains(results, r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Contains(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable));
    }

    [Fact]
    public async Task Streamed_conversation_becomes_a_review_item_with_evidence_only()
    {
        await using var h = await StartAsync();
        var matcher = await h.ClientAsync("matcher");
        var path = Directory.GetFiles(Path.Combine(Repository.Root, "data", "conversations", "eval", "tuning"), "*.json")
            .First(f => System.IO.File.ReadAllText(f).Contains("\"sextortion\""));
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        var messages = doc.RootElement.GetProperty("messages").EnumerateArray().ToList();
        var analysis = await Json(await matcher.PostAsync("/v1/conversations/analyze", new StringContent(doc.RootElement.GetRawText(), Encoding.UTF8, "application/json")));
        Assert.True(analysis.GetProperty("score").GetDouble() > 0.6);

        long? item = null;
        foreach (var m in messages)
        {
            var r = await Json(await matcher.PostAsJsonAsync("/v1/conversations/conv-test/messages",
                new { sender = m.GetProperty("sender").GetString(), text = m.GetProperty("text").GetString() }));
            if (r.TryGetProperty("review_item_id", out var id)) item ??= id.GetInt64();
        }
        Assert.NotNull(item);
        var stored = await h.State.Review.GetAsync(item.Value);
        Assert.Equal("conversation", stored!.Kind);
        int evidence = stored.Conversation!.Value.GetProperty("evidence_messages").GetArrayLength();
        Assert.InRange(evidence, 1, messages.Count - 1);
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsync("/v1/conversations/analyze", new StringContent("{\"messages\": [", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await matcher.PostAsJsonAsync("/v1/conversations/c/messages", new { text = "hi" })).StatusCode);
    }

    [Fact]
    public async Task With_a_trained_model_the_service_explains_the_model_in_analyses_and_review_items()
    {
        var model = Safeguard.Conversations.Models.DefaultConversationModel.Load();
        await using var h = await StartAsync(o => o with { ConversationModel = model });
        var matcher = await h.ClientAsync("matcher");
        var path = Directory.GetFiles(Path.Combine(Repository.Root, "data", "conversations", "eval", "tuning"), "*groom*.json").Order(StringComparer.Ordinal).First();
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
        var analysis = await Json(await matcher.PostAsync("/v1/conversations/analyze", new StringContent(doc.RootElement.GetRawText(), Encoding.UTF8, "application/json")));
        var part = analysis.GetProperty("model");
        Assert.Equal(model.Threshold, part.GetProperty("threshold").GetDouble(), 6);
        Assert.True(part.GetProperty("top_terms").GetArrayLength() > 0);

        long? item = null;
        foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray())
        {
            var r = await Json(await matcher.PostAsJsonAsync("/v1/conversations/conv-model/messages",
                new { sender = m.GetProperty("sender").GetString(), text = m.GetProperty("text").GetString() }));
            if (r.TryGetProperty("review_item_id", out var id)) item ??= id.GetInt64();
        }
        Assert.NotNull(item);
        var stored = await h.State.Review.GetAsync(item.Value);
        var alert = stored!.Conversation!.Value;
        Assert.True(alert.GetProperty("model").GetProperty("probability").GetDouble() >= model.Threshold);
        var evidence = alert.GetProperty("evidence_messages").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToHashSet();
        Assert.All(alert.GetProperty("model").GetProperty("message_indices").EnumerateArray(), i => Assert.Contains(i.GetInt32(), evidence));
    }
}
