using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NSec.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Safeguard.Exchanges;
using Safeguard.Exchanges.Federation;
using Safeguard.Server.Feeds;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>
/// Safeguard-to-Safeguard federation against a real publisher on 127.0.0.1: signed pages checked
/// by the subscriber client (and by BouncyCastle, from the documented bytes), grants, tampering,
/// replayed and out-of-order pages, and signed feedback.
/// </summary>
public sealed class FederationTests
{
    private const string Bank = "shared";
    private static readonly string[] OneTag = ["t1"];
    private static readonly int[] StillEnabled = [0, 3, 4, 5, 6];

    private static string Pdq(int i) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));

    private sealed record Publisher(ServerHarness Server, FeedSigningKey Key, string SubscriberSecret) : IAsyncDisposable
    {
        public FeedGrants Grants => Server.App.Services.GetRequiredService<FeedGrants>();
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>A publisher with a bank of <paramref name="entries"/> PDQ entries (category 2, tag "t1", a note) and a subscriber key named "sub".</summary>
    private static async Task<Publisher> StartPublisherAsync(int entries, string fields = "categories,tags", string? feedbackKey = null)
    {
        var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var curator = await h.ClientAsync("curator");
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = Bank })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await curator.PostAsJsonAsync("/v1/banks", new { name = "private" })).StatusCode);
        if (entries > 0)
        {
            var list = Enumerable.Range(0, entries).Select(i => new { signal_type = "pdq", value = Pdq(i), category = "2", tags = OneTag }).ToArray();
            Assert.Equal(HttpStatusCode.OK, (await curator.PostAsJsonAsync($"/v1/banks/{Bank}/entries", new { entries = list })).StatusCode);
        }
        var (_, secret) = await h.KeyAsync("sub", null, "subscriber");
        var p = new Publisher(h, h.App.Services.GetRequiredService<FeedSigningKey>(), secret);
        await p.Grants.GrantAsync("sub", Bank, FeedFieldNames.Parse(fields), feedbackKey, "test");
        return p;
    }

    private static ExchangeSettings Settings(Publisher p, int pageSize = 3, string? feedbackKey = null) => new(new Dictionary<string, string>
    {
        ["url"] = p.Server.BaseUrl, ["bank"] = Bank, ["api_key"] = p.SubscriberSecret, ["public_key"] = p.Key.PublicBase64,
        ["page_size"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Concat(feedbackKey is null ? [] : [new KeyValuePair<string, string>("feedback_key", feedbackKey)]));

    private static IExchangeClient Client(ExchangeSettings settings, HttpMessageHandler? handler = null) =>
        ExchangeTypes.Get("safeguard").Create(settings, new ExchangeContext { Http = new HttpClient(handler ?? new HttpClientHandler()) });

    /// <summary>Every page of a fetch, items materialised, as the fetcher would apply them.</summary>
    private static async Task<List<(ExchangePage Page, List<ExchangeItem> Items)>> FetchAllAsync(IExchangeClient client, string? checkpoint = null)
    {
        var pages = new List<(ExchangePage, List<ExchangeItem>)>();
        await foreach (var page in client.FetchAsync(checkpoint, default)) pages.Add((page, page.Items.ToList()));
        return pages;
    }

    [Fact]
    public async Task A_subscriber_reads_every_change_in_order_with_only_the_granted_fields()
    {
        await using var p = await StartPublisherAsync(7);
        var curator = await p.Server.ClientAsync("curator");
        // A disable and a removal after the adds, and an entry in a bank the key has no grant for.
        Assert.Equal(HttpStatusCode.OK, (await curator.PostAsJsonAsync($"/v1/banks/{Bank}/entries/disable", new { entries = new[] { new { signal_type = "pdq", value = Pdq(1) } }, reason = "withdrawn" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await curator.PostAsJsonAsync($"/v1/banks/{Bank}/entries/remove", new { entries = new[] { new { signal_type = "pdq", value = Pdq(2) } } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await curator.PostAsJsonAsync("/v1/banks/private/entries", new { entries = new[] { new { signal_type = "pdq", value = Pdq(99) } } })).StatusCode);

        await using var client = Client(Settings(p, pageSize: 3));
        var pages = await FetchAllAsync(client);
        var items = pages.SelectMany(x => x.Items).ToList();
        // 5 enabled entries as adds, then the disable and the removal (oldest first): 7 changes, pages of at most 3.
        Assert.Equal(7, items.Count);
        Assert.Equal(3, pages.Count);
        Assert.All(pages, x => Assert.True(x.Items.Count <= 3));
        Assert.DoesNotContain(items, i => i.Entry.Value == Pdq(99));
        var withdrawn = items.Where(i => i.Withdrawn).Select(i => i.Entry.Value).ToList();
        Assert.Equal([Pdq(1), Pdq(2)], withdrawn);
        var added = items.Where(i => !i.Withdrawn).ToList();
        Assert.Equal(StillEnabled.Select(Pdq), added.Select(i => i.Entry.Value));
        Assert.All(added, i => { Assert.Equal(2, i.Entry.Category); Assert.Equal(["t1"], i.Entry.Tags); });

        // The last checkpoint is where the next fetch starts: nothing new, one unchanged page, the checkpoint stays.
        var last = pages[^1].Page.Checkpoint;
        var again = await FetchAllAsync(client, last);
        Assert.True(Assert.Single(again).Page.Unchanged);
        Assert.Equal(last, again[0].Page.Checkpoint);

        // Narrow the grant: the same entries come without categories and tags.
        await p.Grants.GrantAsync("sub", Bank, FeedFields.None, null, "test");
        var bare = (await FetchAllAsync(client)).SelectMany(x => x.Items).Where(i => !i.Withdrawn).ToList();
        Assert.Equal(5, bare.Count);
        Assert.All(bare, i => { Assert.Null(i.Entry.Category); Assert.Empty(i.Entry.Tags); });
    }

    [Fact]
    public async Task Only_a_subscriber_key_with_a_grant_reads_a_feed()
    {
        await using var p = await StartPublisherAsync(2);
        using var sub = NewClient(p.Server.BaseUrl, p.SubscriberSecret);
        Assert.Equal(HttpStatusCode.OK, (await sub.GetAsync($"/v1/feeds/{Bank}")).StatusCode);
        // No grant on that bank, and no such bank: the same 404, so bank names cannot be probed.
        var other = await sub.GetAsync("/v1/feeds/private");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sub.GetAsync("/v1/feeds/nope")).StatusCode);
        // A key of another name with the subscriber role has no grant; a matcher key lacks the role.
        var (otherSub, _) = await p.Server.KeyAsync("someone-else", null, "subscriber");
        Assert.Equal(HttpStatusCode.NotFound, (await otherSub.GetAsync($"/v1/feeds/{Bank}")).StatusCode);
        var matcher = await p.Server.ClientAsync("matcher");
        Assert.Equal(HttpStatusCode.Forbidden, (await matcher.GetAsync($"/v1/feeds/{Bank}")).StatusCode);
        using var anonymous = NewClient(p.Server.BaseUrl, null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/v1/feeds/{Bank}")).StatusCode);
        // A bad checkpoint is a 400 naming it.
        var bad = await sub.GetAsync($"/v1/feeds/{Bank}?since=12;DROP");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("since", await bad.Content.ReadAsStringAsync());
        // Revoked: the next page is refused.
        Assert.True(await p.Grants.RevokeAsync("sub", Bank, "test"));
        Assert.Equal(HttpStatusCode.NotFound, (await sub.GetAsync($"/v1/feeds/{Bank}")).StatusCode);
    }

    [Fact]
    public async Task The_signature_covers_the_documented_bytes_and_verifies_with_a_second_implementation()
    {
        await using var p = await StartPublisherAsync(4);
        using var sub = NewClient(p.Server.BaseUrl, p.SubscriberSecret);
        var r = await sub.GetAsync($"/v1/feeds/{Bank}?limit=2");
        var body = await r.Content.ReadAsByteArrayAsync();
        var keyId = r.Headers.GetValues(FeedProtocol.KeyIdHeader).Single();
        var signature = Convert.FromBase64String(r.Headers.GetValues(FeedProtocol.SignatureHeader).Single());
        // docs/federation.md: the ASCII line "safeguard-feed-page-v1\n", then the body as received.
        var signed = Encoding.ASCII.GetBytes("safeguard-feed-page-v1\n").Concat(body).ToArray();
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(p.Key.PublicRaw));
        verifier.BlockUpdate(signed, 0, signed.Length);
        Assert.True(verifier.VerifySignature(signature));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(p.Key.PublicRaw))[..16], keyId);

        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal(keyId, root.GetProperty("feed").GetString());
        Assert.Equal(Bank, root.GetProperty("bank").GetString());
        Assert.Equal("0.0", root.GetProperty("since").GetString());
        Assert.True(root.GetProperty("more").GetBoolean());
        Assert.Equal(2, root.GetProperty("entries").GetArrayLength());
        var first = root.GetProperty("entries")[0];
        Assert.Equal("add", first.GetProperty("op").GetString());
        Assert.Equal(Pdq(0), first.GetProperty("value").GetString());
        Assert.False(first.TryGetProperty("note", out _)); // not granted
    }

    /// <summary>Flips one bit of the body at a given offset, on the first response only.</summary>
    private sealed class FlipByte(int offset) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (offset < bytes.Length) bytes[offset] ^= 0x01;
            var copy = new ByteArrayContent(bytes);
            foreach (var h in response.Content.Headers) copy.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Content = copy;
            return response;
        }
    }

    [Fact]
    public async Task A_page_with_any_byte_changed_is_refused_before_anything_is_yielded()
    {
        await using var p = await StartPublisherAsync(2);
        using var sub = NewClient(p.Server.BaseUrl, p.SubscriberSecret);
        int length = (await sub.GetByteArrayAsync($"/v1/feeds/{Bank}?since=0.0&limit=3")).Length;
        Assert.True(length > 200);
        for (int offset = 0; offset < length; offset++)
        {
            await using var client = Client(Settings(p), new FlipByte(offset));
            int yielded = 0;
            var ex = await Assert.ThrowsAsync<ExchangeException>(async () => { await foreach (var _ in client.FetchAsync(null, default)) yielded++; });
            Assert.Equal(0, yielded); // the checkpoint cannot move: no page reached the fetcher
            Assert.Contains("signature does not verify", ex.Message);
            Assert.False(ex.Transient);
        }
    }

    /// <summary>Rewrites each response's headers or replays the first response for later requests.</summary>
    private sealed class Meddle(Func<int, HttpRequestMessage, HttpResponseMessage, byte[], Task<HttpResponseMessage>> change) : DelegatingHandler(new HttpClientHandler())
    {
        private int _n;
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            response.Content = new ByteArrayContent(bytes);
            return await change(_n++, request, response, bytes);
        }
    }

    [Fact]
    public async Task Unsigned_wrongly_keyed_replayed_and_out_of_order_pages_are_refused()
    {
        await using var p = await StartPublisherAsync(7);
        async Task<ExchangeException> RefusedAsync(Meddle handler, string? checkpoint = null)
        {
            await using var client = Client(Settings(p), handler);
            var seen = new List<string>();
            var ex = await Assert.ThrowsAsync<ExchangeException>(async () => { await foreach (var page in client.FetchAsync(checkpoint, default)) { seen.Add(page.Checkpoint); _ = page.Items.Count(); } });
            return ex;
        }

        var unsigned = await RefusedAsync(new Meddle((_, _, r, _) => { r.Headers.Remove(FeedProtocol.SignatureHeader); return Task.FromResult(r); }));
        Assert.Contains("unsigned", unsigned.Message);
        var wrongKey = await RefusedAsync(new Meddle((_, _, r, _) => { r.Headers.Remove(FeedProtocol.KeyIdHeader); r.Headers.Add(FeedProtocol.KeyIdHeader, "0123456789abcdef"); return Task.FromResult(r); }));
        Assert.Contains("not the pinned key", wrongKey.Message);

        // The first page served again for the second request: correctly signed, but not at the checkpoint asked for.
        byte[]? firstBody = null; HttpResponseMessage? firstResponse = null;
        var replay = await RefusedAsync(new Meddle((n, _, r, bytes) =>
        {
            if (n == 0) { firstBody = bytes; firstResponse = r; return Task.FromResult(r); }
            var again = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(firstBody!) };
            foreach (var h in firstResponse!.Headers) again.Headers.TryAddWithoutValidation(h.Key, h.Value);
            return Task.FromResult(again);
        }));
        Assert.Contains("not at the checkpoint asked for", replay.Message);

        // An older page answered for a newer checkpoint (out of order): the request is rewritten to since=0.0.
        using var raw = NewClient(p.Server.BaseUrl, p.SubscriberSecret);
        var old = await raw.GetAsync($"/v1/feeds/{Bank}?since=0.0&limit=3");
        var oldBody = await old.Content.ReadAsByteArrayAsync();
        var outOfOrder = await RefusedAsync(new Meddle((_, _, r, _) =>
        {
            var swapped = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(oldBody) };
            foreach (var h in old.Headers) swapped.Headers.TryAddWithoutValidation(h.Key, h.Value);
            return Task.FromResult(swapped);
        }), checkpoint: "5.3");
        Assert.Contains("not at the checkpoint asked for", outOfOrder.Message);

        // A pinned key that is not the publisher's refuses its pages.
        var (_, otherPublic, _) = FeedProtocol.NewKeyPair();
        var settings = new ExchangeSettings(Settings(p).Values.Select(kv => kv.Key == "public_key" ? new KeyValuePair<string, string>(kv.Key, otherPublic) : kv));
        await using var pinnedElsewhere = Client(settings);
        var ex = await Assert.ThrowsAsync<ExchangeException>(async () => { await foreach (var _ in pinnedElsewhere.FetchAsync(null, default)) { } });
        Assert.Contains("not the pinned key", ex.Message);
    }

    /// <summary>A publisher that signs whatever page the test writes, with a key of its own.</summary>
    private sealed class ForgedPublisher(Key key, Func<string, string> page) : HttpMessageHandler
    {
        public string KeyId => FeedProtocol.KeyId(key.PublicKey);
        public string PublicBase64 => Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var since = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["since"]!;
            var body = Encoding.UTF8.GetBytes(page(since));
            var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
            r.Headers.Add(FeedProtocol.KeyIdHeader, KeyId);
            r.Headers.Add(FeedProtocol.SignatureHeader, Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, FeedProtocol.PageSignedBytes(body))));
            return Task.FromResult(r);
        }
    }

    private static async Task<(List<ExchangePage> Pages, ExchangeException? Error)> FetchForgedAsync(Func<string, string, string> page, int pageSize = 100)
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var forged = new ForgedPublisher(key, since => page(FeedProtocol.KeyId(key.PublicKey), since));
        var settings = new ExchangeSettings(new Dictionary<string, string>
        {
            ["url"] = "http://publisher.invalid", ["bank"] = "b", ["api_key"] = "k", ["public_key"] = forged.PublicBase64,
            ["page_size"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await using var client = ExchangeTypes.Get("safeguard").Create(settings, new ExchangeContext { Http = new HttpClient(forged) });
        var pages = new List<ExchangePage>();
        try
        {
            await foreach (var p in client.FetchAsync(null, default)) { pages.Add(p with { Items = p.Items.ToList() }); if (pages.Count > 50) break; }
            return (pages, null);
        }
        catch (ExchangeException ex) { return (pages, ex); }
    }

    private static string Page(string feed, string since, string next, bool more, string entries) =>
        $$"""{"feed":"{{feed}}","bank":"b","since":"{{since}}","next":"{{next}}","more":{{(more ? "true" : "false")}},"issued_at":"2026-12-07T00:00:00.000Z","entries":[{{entries}}]}""";

    [Fact]
    public async Task A_signed_page_that_does_not_advance_or_holds_too_much_is_refused()
    {
        string entry = $$"""{"op":"add","signal_type":"pdq","value":"{{Pdq(1)}}"}""";
        // The same page forever: "more" with a next that does not move.
        var (pages, error) = await FetchForgedAsync((feed, since) => Page(feed, since, since, true, entry));
        Assert.Empty(pages);
        Assert.Contains("does not move past", error!.Message);
        // Entries with a next behind the checkpoint asked for.
        (pages, error) = await FetchForgedAsync((feed, since) => since == "0.0" ? Page(feed, since, "9.9", true, entry) : Page(feed, since, "3.1", false, entry));
        Assert.Single(pages);
        Assert.Contains("does not move past", error!.Message);
        // More entries than asked for.
        (pages, error) = await FetchForgedAsync((feed, since) => Page(feed, since, "1.1", false, string.Join(",", Enumerable.Repeat(entry, 11))), pageSize: 10);
        Assert.Empty(pages);
        Assert.Contains("more than the 10 asked for", error!.Message);
        // Another bank's page, signed by the pinned key.
        (pages, error) = await FetchForgedAsync((feed, since) => Page(feed, since, "1.1", false, entry).Replace("\"bank\":\"b\"", "\"bank\":\"c\"", StringComparison.Ordinal));
        Assert.Contains("not 'b'", error!.Message);
        // Malformed JSON that is correctly signed.
        (pages, error) = await FetchForgedAsync((_, _) => "{\"feed\":");
        Assert.Contains("malformed JSON", error!.Message);
    }

    [Fact]
    public async Task Hostile_entries_are_rejected_and_counted_and_the_rest_of_the_page_is_kept()
    {
        string good = $$"""{"op":"add","signal_type":"pdq","value":"{{Pdq(1)}}","category":3,"tags":["a"],"note":"ok"}""";
        string[] hostile =
        [
            """{"op":"add","signal_type":"pdq","value":"not-hex"}""",
            """{"op":"add","signal_type":"nope","value":"00"}""",
            $$"""{"op":"explode","signal_type":"pdq","value":"{{Pdq(2)}}"}""",
            $$"""{"op":"add","signal_type":"pdq","value":"{{Pdq(3)}}","category":9}""",
            $$"""{"op":"add","signal_type":"pdq","value":"{{Pdq(4)}}","tags":["a;b"]}""",
            $$"""{"op":"add","signal_type":"pdq","value":"{{Pdq(5)}}","note":"{{new string('x', 5000)}}"}""",
            $$"""{"op":"add","signal_type":"pdq","value":"{{Pdq(6)}}","original_media_uri":"not a uri"}""",
            "42",
            $$$"""{"op":"add","signal_type":"pdq","value":"{{{Pdq(7)}}}","metadata":{"k":7}}""",
        ];
        var (pages, error) = await FetchForgedAsync((feed, since) => Page(feed, since, "1.10", false, string.Join(",", hostile.Append(good))));
        Assert.Null(error);
        var page = Assert.Single(pages);
        Assert.Equal(hostile.Length, page.Rejected);
        var item = Assert.Single(page.Items);
        Assert.Equal(Pdq(1), item.Entry.Value);
        Assert.Equal(3, item.Entry.Category);
        Assert.Equal("ok", item.Entry.Note);
    }

    [Fact]
    public async Task Signed_feedback_is_recorded_once_and_forged_or_replayed_feedback_is_refused()
    {
        var (priv, pub, _) = FeedProtocol.NewKeyPair();
        await using var p = await StartPublisherAsync(2, feedbackKey: pub);
        await using var client = Client(Settings(p, feedbackKey: priv));
        await client.SendFeedbackAsync(new ExchangeFeedback("pdq", Pdq(1), FeedbackVerdict.FalsePositive) { Note = "a holiday photo" }, default);

        var curator = await p.Server.ClientAsync("curator");
        var list = (await Json(await curator.GetAsync($"/v1/feeds/{Bank}/feedback"))).GetProperty("feedback");
        var row = Assert.Single(list.EnumerateArray());
        Assert.Equal("false_positive", row.GetProperty("verdict").GetString());
        Assert.Equal(Pdq(1), row.GetProperty("value").GetString());
        Assert.Equal("sub", row.GetProperty("key_name").GetString());
        Assert.Equal(1L, await p.Server.State.Db.ScalarAsync("SELECT COUNT(*) FROM audit_log WHERE action = 'feed.feedback'"));

        // The same body and signature again (a replay), then a body changed after signing, then a key the grant does not name.
        using var sub = NewClient(p.Server.BaseUrl, p.SubscriberSecret);
        var body = Encoding.UTF8.GetBytes($$"""{"signal_type":"pdq","value":"{{Pdq(0)}}","verdict":"confirmed","sent_at":"{{DateTimeOffset.UtcNow:O}}","nonce":"nonce-0123456789abcdef"}""");
        string Sign(byte[] b, string seed)
        {
            using var k = FeedProtocol.ParsePrivateKey(seed, "test");
            return Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(k, FeedProtocol.FeedbackSignedBytes(Bank, b)));
        }
        async Task<HttpStatusCode> PostAsync(byte[] b, string? signature)
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, $"/v1/feeds/{Bank}/feedback") { Content = new ByteArrayContent(b) };
            req.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            if (signature is not null) req.Headers.Add(FeedProtocol.FeedbackSignatureHeader, signature);
            return (await sub.SendAsync(req)).StatusCode;
        }
        var sig = Sign(body, priv);
        Assert.Equal(HttpStatusCode.Created, await PostAsync(body, sig));
        Assert.Equal(HttpStatusCode.Conflict, await PostAsync(body, sig));
        var changed = (byte[])body.Clone();
        changed[Array.IndexOf(changed, (byte)'c')] = (byte)'C';
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(changed, sig));
        var (otherPriv, _, _) = FeedProtocol.NewKeyPair();
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(body, Sign(body, otherPriv)));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(body, null));
        // Signed for another bank: the bank is in the signed bytes.
        using (var k = FeedProtocol.ParsePrivateKey(priv, "test"))
            Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(body, Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(k, FeedProtocol.FeedbackSignedBytes("private", body)))));
        // A stale sent_at, correctly signed with a fresh nonce.
        var stale = Encoding.UTF8.GetBytes($$"""{"signal_type":"pdq","value":"{{Pdq(0)}}","verdict":"confirmed","sent_at":"2020-01-01T00:00:00Z","nonce":"nonce-stale-0123456789"}""");
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(stale, Sign(stale, priv)));
        Assert.Equal(2, (await Json(await curator.GetAsync($"/v1/feeds/{Bank}/feedback"))).GetProperty("feedback").GetArrayLength());

        // A grant without a feedback key accepts none.
        await p.Grants.GrantAsync("sub", Bank, FeedFields.None, null, "test");
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.SendFeedbackAsync(new ExchangeFeedback("pdq", Pdq(1), FeedbackVerdict.Confirmed), default));
        Assert.Contains("403", ex.Message);
    }
}
