using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Hashing.Pdq;
using static Safeguard.Server.Tests.ServerHarness;
using Safeguard.Signals;

namespace Safeguard.Server.Tests;

/// <summary>The service's behaviour, run against SQLite and against a real PostgreSQL server.</summary>
public abstract partial class ServiceContract
{
    protected abstract Task<string> DbAsync();

    private async Task<ServerHarness> StartAsync(Func<ServerOptions, ServerOptions>? configure = null) =>
        await ServerHarness.StartAsync(await DbAsync(), configure);

    protected static string RandomPdq(Random rng)
    {
        var b = new byte[32];
        rng.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    /// <summary>Flips the given bits of a hex hash (independent of Hash256).</summary>
    protected static string FlipBits(string hex, params int[] bits)
    {
        var b = Convert.FromHexString(hex);
        foreach (var k in bits) b[k / 8] ^= (byte)(1 << (k % 8));
        return Convert.ToHexStringLower(b);
    }

    [SkippableFact]
    public async Task Keys_and_roles_guard_every_route_but_liveness()
    {
        await using var h = await StartAsync();
        using var anon = NewClient(h.BaseUrl, null);
        Assert.Equal(HttpStatusCode.OK, (await anon.GetAsync("/v1/health/live")).StatusCode);
        foreach (var route in new[] { "/v1/banks", "/v1/review/items", "/v1/audit", "/c/banks", "/v1/index/status", "/openapi.json" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync(route)).StatusCode);
        using var wrong = NewClient(h.BaseUrl, "sg_notarealkey0000000000000000000000000000000");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v1/banks")).StatusCode);

        var reviewer = await h.ClientAsync("reviewer");
        var r = await reviewer.PostAsJsonAsync("/v1/banks", new { name = "by-reviewer" });
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.PostAsJsonAsync("/c/banks", new { name = "by-reviewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/v1/keys")).StatusCode);
        Assert.Null(await h.State.Banks.GetBankAsync("by-reviewer"));

        var (curator, secret) = await h.KeyAsync("curator", null, "curator");
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = "by-curator" })).StatusCode);
        var keys = await Json(await h.Admin.GetAsync("/v1/keys"));
        Assert.DoesNotContain(secret, keys.GetRawText()); // secrets are never listed
        var id = keys.GetProperty("keys").EnumerateArray().First(k => k.GetProperty("name").GetString() == "curator").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.DeleteAsync($"/v1/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await curator.GetAsync("/v1/banks")).StatusCode);
        var stored = await h.State.Db.QueryAsync("SELECT secret_hash FROM api_keys", r => r.GetString(0));
        Assert.DoesNotContain(secret, stored);
        Assert.Contains(Auth.ApiKeyStore.HashSecret(secret), stored);
    }

    [SkippableFact]
    public async Task Demo_image_matches_and_goes_through_review()
    {
        await using var h = await StartAsync(o => o with { MaxClearViewsPerDay = 1 });
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        var r = await matcher.PostAsync("/v1/lookup/file", File(image));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await Json(r);
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.IO.File.ReadAllBytes(image)));
        Assert.Equal(md5, body.GetProperty("hashes").GetProperty("md5").GetString());
        Assert.Contains(body.GetProperty("matches").EnumerateArray(), m => m.GetProperty("bank").GetString() == "demo" && m.GetProperty("entry_value").GetString() == md5);
        long item = body.GetProperty("review_item_id").GetInt64();

        var blurred = await reviewer.GetByteArrayAsync($"/v1/review/items/{item}/media");
        var clear = await (await reviewer.PostAsync($"/v1/review/items/{item}/media/clear", null)).EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync();
        Assert.Equal(0x89, blurred[0]); // PNG
        Assert.NotEqual(blurred, clear);
        Assert.True(IsGreyscale(blurred));
        Assert.False(IsGreyscale(clear));
        // Exposure cap (1 clear view a day here): the next clear view is refused, blurred ones still work.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await reviewer.PostAsync($"/v1/review/items/{item}/media/clear", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/v1/review/items/{item}/media?view=blurred")).StatusCode);

        var d = await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "confirmed" });
        Assert.Equal(HttpStatusCode.BadRequest, d.StatusCode); // a confirmation needs a category
        d = await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "confirmed", category = "UK-C", note = "<script>alert(1)</script>" });
        Assert.Equal(HttpStatusCode.OK, d.StatusCode);
        Assert.Equal("confirmed", (await Json(d)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Gone, (await reviewer.GetAsync($"/v1/review/items/{item}/media")).StatusCode);
        Assert.Null(await h.State.Review.GetMediaAsync(item)); // media kept only while awaiting review
        Assert.Equal(HttpStatusCode.Conflict, (await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "escalate" })).StatusCode);

        var audit = await Json(await reviewer.GetAsync($"/v1/audit?target=item:{item}"));
        var actions = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["review.create", "media.view.blurred", "media.view.clear", "media.view.blurred", "review.decide", "media.delete"], actions);
        Assert.True((await Json(await h.Admin.GetAsync("/v1/audit/verify"))).GetProperty("ok").GetBoolean());

        // Reports from the confirmed item.
        var reportXml = await reviewer.GetStringAsync($"/v1/reports/ncmec?items={item}");
        CyberTiplineSchema.AssertValid(reportXml);
        var xml = XDocument.Parse(reportXml);
        Assert.Equal(["incidentSummary", "reporter", "additionalInfo"], xml.Root!.Elements().Select(e => e.Name.LocalName).ToList());
        Assert.Equal(["incidentType", "incidentDateTime"], xml.Root.Element("incidentSummary")!.Elements().Select(e => e.Name.LocalName).ToList());
        foreach (var bad in new[] { "report_id=REPORT_ID&file_id=f1", "file_id=f1", "report_id=42", "report_id=-1&file_id=f1", "report_id=42&file_id=%01" })
            Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync($"/v1/reports/ncmec/file-details?item={item}&{bad}")).StatusCode);
        var fdXml = await reviewer.GetStringAsync($"/v1/reports/ncmec/file-details?item={item}&report_id=42&file_id=f1");
        CyberTiplineSchema.AssertValid(fdXml);
        var fd = XDocument.Parse(fdXml);
        var order = fd.Root!.Elements().Select(e => e.Name.LocalName).ToList();
        Assert.Equal(["reportId", "fileId", "originalFileName", "fileViewedByEsp"], order.Take(4));
        Assert.Equal("true", fd.Root.Element("fileViewedByEsp")!.Value); // the audit log holds a clear view
        Assert.Null(fd.Root.Element("publiclyAvailable")); // not known unless the caller says
        Assert.Contains(fd.Root.Elements("originalFileHash"), e => e.Attribute("hashType")!.Value == "MD5" && e.Value == md5);
        var told = XDocument.Parse(await reviewer.GetStringAsync($"/v1/reports/ncmec/file-details?item={item}&report_id=42&file_id=f1&publicly_available=false"));
        Assert.Equal("false", told.Root!.Element("publiclyAvailable")!.Value);
        // A hash-only hit confirmed without anyone viewing media: not viewed by the ESP, and no file name to give.
        var otherImage = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().Skip(1).First();
        var otherMd5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.IO.File.ReadAllBytes(otherImage)));
        var hashHit = (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = otherMd5 }))).GetProperty("review_item_id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{hashHit}/decision", new { decision = "confirmed", category = "UK-C" })).StatusCode);
        var unseenXml = await reviewer.GetStringAsync($"/v1/reports/ncmec/file-details?item={hashHit}&report_id={long.MaxValue}&file_id=f2");
        CyberTiplineSchema.AssertValid(unseenXml);
        var unseen = XDocument.Parse(unseenXml).Root!;
        Assert.Equal("false", unseen.Element("fileViewedByEsp")!.Value);
        Assert.Null(unseen.Element("originalFileName"));
        CyberTiplineSchema.AssertValid(await reviewer.GetStringAsync($"/v1/reports/ncmec?items={item},{hashHit}&additional_info=%3C%2Fx%3E%26%01"));
        var vics = await reviewer.GetByteArrayAsync($"/v1/reports/vics?items={item}");
        var records = BankFormats.Read(BankFormat.Vics, new MemoryStream(vics), new ReadOptions()).ToList();
        Assert.Contains(records, x => x.Type.Name == "md5" && x.Value == md5 && x.Category == 1 && x.Grade == "C");
        // Only confirmed items are reported.
        var pending = (await Json(await matcher.PostAsync("/v1/lookup/file", File(image)))).GetProperty("review_item_id").GetInt64();
        Assert.Equal(HttpStatusCode.Conflict, (await reviewer.GetAsync($"/v1/reports/ncmec?items={item},{pending}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync("/v1/reports/vics?items=999999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync("/v1/reports/vics?items=1;DROP")).StatusCode);
    }

    private static bool IsGreyscale(byte[] png)
    {
        using var bmp = SkiaSharp.SKBitmap.Decode(png);
        for (int y = 0; y < bmp.Height; y += 7)
            for (int x = 0; x < bmp.Width; x += 7)
            {
                var c = bmp.GetPixel(x, y);
                if (Math.Abs(c.Red - c.Green) > 2 || Math.Abs(c.Green - c.Blue) > 2) return false;
            }
        return true;
    }

    [SkippableFact]
    public async Task An_entry_added_through_the_api_matches_within_a_second_and_near_hashes_by_distance()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = "live" })).StatusCode);
        var rng = new Random(7);
        var pdq = RandomPdq(rng);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var add = await curator.PostAsJsonAsync("/v1/banks/live/entries", new { entries = new[] { new { signal_type = "pdq", value = pdq.ToUpperInvariant(), content_id = "c1" } } });
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
        JsonElement hit;
        do hit = await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq, review = false }));
        while (hit.GetProperty("matches").GetArrayLength() == 0 && sw.ElapsedMilliseconds < 1000);
        Assert.True(sw.ElapsedMilliseconds < 1000, $"matchable after {sw.ElapsedMilliseconds} ms");
        Assert.Equal(0, hit.GetProperty("matches")[0].GetProperty("distance").GetInt32());

        var near = FlipBits(pdq, 3, 50, 100, 200, 255);
        var m = (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = near, review = false }))).GetProperty("matches");
        Assert.Equal(5, m[0].GetProperty("distance").GetInt32());
        Assert.Equal("c1", m[0].GetProperty("content_id").GetString());
        var far = FlipBits(pdq, Enumerable.Range(0, 32).Select(i => i * 8).ToArray());
        Assert.Equal(0, (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = far, review = false }))).GetProperty("matches").GetArrayLength());
        var cmp = await Json(await matcher.PostAsJsonAsync("/v1/compare", new { signal_type = "pdq", a = pdq, b = far }));
        Assert.Equal(32, cmp.GetProperty("distance").GetInt32());
        Assert.False(cmp.GetProperty("match").GetBoolean());

        // Disable, enable, remove: each visible at once.
        var key = new { entries = new[] { new { signal_type = "pdq", value = pdq } }, reason = "test" };
        Assert.Equal(1, (await Json(await curator.PostAsJsonAsync("/v1/banks/live/entries/disable", key))).GetProperty("changed").GetInt32());
        Assert.Equal(0, (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq }))).GetProperty("matches").GetArrayLength());
        Assert.Equal(1, (await Json(await curator.PostAsJsonAsync("/v1/banks/live/entries/enable", key))).GetProperty("changed").GetInt32());
        Assert.Equal(1, (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq, review = false }))).GetProperty("matches").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await curator.GetAsync($"/v1/banks/live/entries/pdq/{pdq}")).StatusCode);
        Assert.Equal(1, (await Json(await curator.PostAsJsonAsync("/v1/banks/live/entries/remove", key))).GetProperty("removed").GetInt32());
        Assert.Equal(0, (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = pdq }))).GetProperty("matches").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await curator.GetAsync($"/v1/banks/live/entries/pdq/{pdq}")).StatusCode);
    }

    [SkippableFact]
    public async Task Bulk_import_in_every_format_and_paging()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        await curator.PostAsJsonAsync("/v1/banks", new { name = "bulk" });
        var rng = new Random(11);
        var hashes = Enumerable.Range(0, 300).Select(_ => RandomPdq(rng)).ToList();
        var md5s = Enumerable.Range(0, 5).Select(_ => Convert.ToHexStringLower(rng.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 16))).ToList();

        var plain = string.Join("\n", hashes.Take(100)) + "\nnot-a-hash\n";
        var r = await Json(await curator.PostAsync("/v1/banks/bulk/import?format=plain", new StringContent(plain)));
        Assert.Equal(100, r.GetProperty("result").GetProperty("added").GetInt64());
        Assert.Equal(1, r.GetProperty("skipped").GetInt32());

        var csv = "signal_type,signal,content_id,category\r\n" + string.Join("\r\n", hashes.Skip(100).Take(100).Select((x, i) => $"pdq,{x},c{i},1")) + "\r\n";
        r = await Json(await curator.PostAsync("/v1/banks/bulk/import?source=list.csv", new StringContent(csv)));
        Assert.Equal(100, r.GetProperty("result").GetProperty("added").GetInt64());

        var ms = new MemoryStream();
        BankFormats.Write(BankFormat.Vics, ms, hashes.Skip(200).Select(x => new EntryRecord(SignalTypes.Pdq, x)).Concat(md5s.Select(x => new EntryRecord(SignalTypes.Md5, x))));
        r = await Json(await curator.PostAsync("/v1/banks/bulk/import?format=vics", new ByteArrayContent(ms.ToArray())));
        Assert.Equal(105, r.GetProperty("result").GetProperty("added").GetInt64());

        // A broken VICS document imports nothing.
        var broken = ms.ToArray()[..(ms.ToArray().Length / 2)];
        var br = await curator.PostAsync("/v1/banks/bulk/import?format=vics", new ByteArrayContent(broken));
        Assert.Equal(HttpStatusCode.BadRequest, br.StatusCode);

        var stats = await Json(await curator.GetAsync("/v1/banks/bulk"));
        Assert.Equal(305, stats.GetProperty("enabled").GetInt64());
        foreach (var x in new[] { hashes[0], hashes[150], hashes[299] })
            Assert.Equal(1, (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = x, review = false }))).GetProperty("matches").GetArrayLength());
        Assert.Equal(1, (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = md5s[3], review = false }))).GetProperty("matches").GetArrayLength());

        // Paging through the entries visits each once.
        var seen = new HashSet<string>();
        long? after = 0;
        while (after is not null)
        {
            var page = await Json(await curator.GetAsync($"/v1/banks/bulk/entries?after={after}&limit=64"));
            foreach (var e in page.GetProperty("entries").EnumerateArray()) Assert.True(seen.Add(e.GetProperty("value").GetString()!));
            after = page.TryGetProperty("next_after", out var na) ? na.GetInt64() : null;
        }
        Assert.Equal(305, seen.Count);
        var banks = await Json(await curator.GetAsync("/v1/banks?limit=1&offset=1"));
        Assert.Equal(2, banks.GetProperty("total").GetInt32());
        Assert.Equal(1, banks.GetProperty("banks").GetArrayLength());
    }

    [SkippableFact]
    public async Task Hma_routes_answer_in_hma_shapes()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        using var anon = NewClient(h.BaseUrl, null);
        Assert.Equal("I-AM-ALIVE", await anon.GetStringAsync("/status"));

        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/c/banks", new { name = "HMA_BANK" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await curator.PostAsJsonAsync("/c/banks", new { name = "HMA_BANK" })).StatusCode);
        var banks = await Json(await curator.GetAsync("/c/banks"));
        Assert.Contains(banks.EnumerateArray(), b => b.GetProperty("name").GetString() == "HMA_BANK" && b.GetProperty("matching_enabled_ratio").GetDouble() == 1.0);
        Assert.Equal("HMA_BANK", (await Json(await curator.GetAsync("/c/bank/HMA_BANK"))).GetProperty("name").GetString());

        // Hash the bridge photo: within distance 10 of Meta's reference hash.
        var bridge = Path.Combine(TestImages.Bridge, "aaa-orig.jpg");
        var hashed = await Json(await matcher.PostAsync("/h/hash", File(bridge)));
        var pdq = hashed.GetProperty("pdq").GetString()!;
        Assert.True(Hash256.Parse(pdq).DistanceTo(Hash256.Parse(TestImages.ReferencePdq("bridge-mods/aaa-orig.jpg"))) <= 10);

        // A raw body (as curl --data-binary sends it, labelled form-urlencoded) is the file itself.
        var raw0 = new ByteArrayContent(System.IO.File.ReadAllBytes(bridge));
        raw0.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        Assert.Equal(pdq, (await Json(await matcher.PostAsync("/v1/hash", raw0))).GetProperty("pdq").GetString());

        var added = await Json(await curator.PostAsJsonAsync("/c/bank/HMA_BANK/signal", new Dictionary<string, string> { ["pdq"] = pdq }));
        Assert.True(added.GetProperty("id").GetInt64() > 0);
        Assert.Equal(pdq, added.GetProperty("signals").GetProperty("pdq").GetString());

        var list = await Json(await matcher.GetAsync($"/m/lookup?signal_type=pdq&signal={pdq}"));
        Assert.Equal(["HMA_BANK"], list.EnumerateArray().Select(x => x.GetString()).ToList());
        // A modified copy of the photo matches by file upload: {signal_type: [banks]}.
        var byFile = await Json(await matcher.PostAsync("/m/lookup", File(Path.Combine(TestImages.Bridge, "blur-a-little.jpg"))));
        Assert.Contains("HMA_BANK", byFile.GetProperty("pdq").EnumerateArray().Select(x => x.GetString()));
        var raw = await Json(await matcher.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={pdq}&include_distance=true"));
        Assert.Equal("0", raw.GetProperty("matches")[0].GetProperty("distance").GetString());
        var cmp = await Json(await matcher.PostAsJsonAsync("/m/compare", new Dictionary<string, string[]> { ["pdq"] = [pdq, FlipBits(pdq, 1, 2, 3)] }));
        Assert.True(cmp.GetProperty("pdq")[0].GetBoolean());
        Assert.Equal(3, cmp.GetProperty("pdq")[1].GetProperty("distance").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await curator.PostAsJsonAsync("/c/bank/HMA_BANK/signal", new Dictionary<string, string> { ["pdq"] = "xyz" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await curator.GetAsync("/c/bank/NOPE")).StatusCode);
        Assert.Equal("Done", (await Json(await curator.DeleteAsync("/c/bank/HMA_BANK"))).GetProperty("message").GetString());
        Assert.Empty((await Json(await matcher.GetAsync($"/m/lookup?signal_type=pdq&signal={pdq}"))).EnumerateArray());
    }

    [SkippableFact]
    public async Task False_positive_suppresses_the_hash_and_verified_exact_hits_need_no_viewing()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        await curator.PostAsJsonAsync("/v1/banks", new { name = "verified-list", verified = true });
        var image = Path.Combine(TestImages.Bridge, "aaa-orig.jpg");
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.IO.File.ReadAllBytes(image)));
        await curator.PostAsJsonAsync("/v1/banks/verified-list/entries", new { entries = new[] { new { signal_type = "md5", value = md5 } } });
        await Task.Delay(1200); // banks' verified flags follow the poll
        var r = await Json(await matcher.PostAsync("/v1/lookup/file", File(image)));
        long item = r.GetProperty("review_item_id").GetInt64();
        var it = await Json(await reviewer.GetAsync($"/v1/review/items/{item}"));
        Assert.True(it.GetProperty("verified_exact").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "confirmed", category = "VICS-1" })).StatusCode);
        var views = await Json(await reviewer.GetAsync($"/v1/audit?target=item:{item}"));
        Assert.DoesNotContain(views.GetProperty("entries").EnumerateArray(), e => e.GetProperty("action").GetString()!.StartsWith("media.view"));

        // A false positive with suppress: the same hash no longer reports that bank.
        var pdqBank = await curator.PostAsJsonAsync("/v1/banks", new { name = "pdq-list" });
        var bridgePdq = (await Json(await matcher.PostAsync("/v1/hash", File(image)))).GetProperty("pdq").GetString()!;
        await curator.PostAsJsonAsync("/v1/banks/pdq-list/entries", new { entries = new[] { new { signal_type = "pdq", value = FlipBits(bridgePdq, 9, 99) } } });
        var hit = await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = bridgePdq }));
        Assert.Equal(2, hit.GetProperty("matches")[0].GetProperty("distance").GetInt32());
        long fp = hit.GetProperty("review_item_id").GetInt64();
        // Looking the same hash up again while it awaits review reuses the item.
        Assert.Equal(fp, (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = bridgePdq }))).GetProperty("review_item_id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{fp}/decision", new { decision = "false_positive", suppress = true, note = "a bridge" })).StatusCode);
        var again = await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = bridgePdq }));
        Assert.Equal(0, again.GetProperty("matches").GetArrayLength());
        // Other hashes near the entry still match.
        var other = await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "pdq", value = FlipBits(bridgePdq, 9), review = false }));
        Assert.Equal(1, other.GetProperty("matches").GetArrayLength());
    }

    [SkippableFact]
    public async Task Escalated_and_preserved_media_is_kept_other_media_is_deleted_on_decision()
    {
        await using var h = await StartAsync();
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        // Four different files: the same file again would be counted on its open item, not queued anew.
        async Task<long> Submit(string name) =>
            (await Json(await matcher.PostAsync("/v1/review/submit?note=user+report", File(Path.Combine(TestImages.Bridge, name))))).GetProperty("review_item_id").GetInt64();
        long escalated = await Submit("aaa-orig.jpg"), preserved = await Submit("blur-a-little.jpg"), preservedLater = await Submit("sharpen-a-little.jpg"), dropped = await Submit("high-contrast.jpg");

        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{escalated}/decision", new { decision = "escalate", note = "second opinion" })).StatusCode);
        Assert.NotNull(await h.State.Review.GetMediaAsync(escalated));
        Assert.Contains((await Json(await reviewer.GetAsync("/v1/review/items?status=escalated"))).GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == escalated);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{escalated}/decision", new { decision = "false_positive" })).StatusCode);
        Assert.Null(await h.State.Review.GetMediaAsync(escalated));

        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{preserved}/decision", new { decision = "confirmed", category = "UK-A", preserve = true })).StatusCode);
        Assert.NotNull(await h.State.Review.GetMediaAsync(preserved));
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsync($"/v1/review/items/{preservedLater}/preserve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{preservedLater}/decision", new { decision = "confirmed", category = "VICS-2" })).StatusCode);
        Assert.NotNull(await h.State.Review.GetMediaAsync(preservedLater));
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{dropped}/decision", new { decision = "confirmed", category = "UK-B" })).StatusCode);
        Assert.Null(await h.State.Review.GetMediaAsync(dropped));
        Assert.Equal(HttpStatusCode.Gone, (await reviewer.PostAsync($"/v1/review/items/{dropped}/preserve", null)).StatusCode);
        var actions = (await h.State.Audit.ListAsync(0, 1000)).Select(e => (e.Action, e.Target)).ToList();
        Assert.Contains(("media.preserve", $"item:{preserved}"), actions);
        Assert.Contains(("media.preserve", $"item:{preservedLater}"), actions);
        Assert.Contains(("media.delete", $"item:{dropped}"), actions);
        Assert.DoesNotContain(("media.delete", $"item:{preserved}"), actions);
    }

    [SkippableFact]
    public async Task Audit_verify_detects_edits_and_deletions()
    {
        await using var h = await StartAsync();
        var curator = await h.ClientAsync("curator");
        for (int i = 0; i < 5; i++) await curator.PostAsJsonAsync("/v1/banks", new { name = $"a{i}" });
        Assert.True((await h.State.Audit.VerifyAsync()).Ok);
        long n = (await h.State.Audit.VerifyAsync()).Entries;
        Assert.True(n >= 8);

        var original = (await h.State.Db.QueryAsync("SELECT actor FROM audit_log WHERE seq = 3", r => r.GetString(0)))[0];
        await h.State.Db.ExecAsync("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3");
        var v = await h.State.Audit.VerifyAsync();
        Assert.False(v.Ok);
        Assert.Contains("entry 3 was edited", v.Message);
        await h.State.Db.ExecAsync("UPDATE audit_log SET actor = @a WHERE seq = 3", ("@a", original));
        Assert.True((await h.State.Audit.VerifyAsync()).Ok);

        await h.State.Db.ExecAsync("DELETE FROM audit_log WHERE seq = 5");
        v = await h.State.Audit.VerifyAsync();
        Assert.False(v.Ok);
        Assert.Contains("missing", v.Message);
        Assert.Equal(HttpStatusCode.Conflict, (await h.Admin.GetAsync("/v1/audit/verify")).StatusCode);
    }
}

public sealed class SqliteServiceTests : ServiceContract
{
    protected override Task<string> DbAsync() => Task.FromResult(TestDb.Sqlite());
}

public sealed class PostgresServiceTests : ServiceContract
{
    protected override Task<string> DbAsync() => TestDb.PostgresAsync();
}
