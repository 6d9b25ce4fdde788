using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Safeguard.Server.Matching;
using Safeguard.Server.Review;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>The review console's server side: queue filters and order, duplicate groups, claims, batch and region views; SQLite and PostgreSQL.</summary>
public abstract class ReviewConsoleContract
{
    protected abstract Task<string> DbAsync();

    private async Task<ServerHarness> StartAsync() => await ServerHarness.StartAsync(await DbAsync(), o => o with { Demo = false });

    internal static string Hex(int seed) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));

    /// <summary>An exact SHA-256 hit on a bank; verified makes it a verified exact hit.</summary>
    internal static Task<long> HashHitAsync(ServerHarness h, string bank, string sha256, bool verified, string? grade = "UK-B") =>
        h.State.Review.CreateAsync(new ReviewItem
        {
            Kind = "hash-hit", Sha256 = sha256, VerifiedExact = verified,
            Matches = [new ItemMatch(bank, "sha256", sha256, sha256, "entry-" + sha256[..6], null, grade, 0, verified)],
        }, null, "key:0:importer");

    internal static Task<long> PdqHitAsync(ServerHarness h, string bank, int distance, byte[]? media = null) =>
        h.State.Review.CreateAsync(new ReviewItem
        {
            Kind = "media-hit", Pdq = new string('a', 64), Sha256 = Hex(distance + 1000), FileName = "upload.jpg",
            Matches = [new ItemMatch(bank, "pdq", new string('a', 64), new string('b', 64), "p1", 2, null, distance, false)],
        }, media, "key:0:uploader");

    internal static Task<long> ConversationAsync(ServerHarness h, string level) =>
        h.State.Review.CreateAsync(new ReviewItem
        {
            Kind = "conversation", FileName = "conv-" + level,
            Conversation = JsonSerializer.SerializeToElement(new { conversation_id = "conv-" + level, level, evidence_messages = Array.Empty<object>() }),
        }, null, "key:0:chat");

    private static async Task<List<long>> IdsAsync(HttpClient c, string query)
    {
        var r = await c.GetAsync("/v1/review/items?" + query);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await Json(r)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
    }

    [SkippableFact]
    public async Task Severity_orders_verified_exact_then_bank_hits_by_distance_then_alerts_by_level_and_filters_narrow_the_queue()
    {
        await using var h = await StartAsync();
        var reviewer = await h.ClientAsync("reviewer");
        var submitted = await h.State.Review.CreateAsync(new ReviewItem { Kind = "submitted", FileName = "report.jpg" }, null, "key:0:reporter");
        var high = await ConversationAsync(h, "high");
        var far = await PdqHitAsync(h, "demo", 30);
        var critical = await ConversationAsync(h, "critical");
        var verified = await HashHitAsync(h, "ngo", Hex(1), verified: true);
        var near = await PdqHitAsync(h, "demo", 4);

        Assert.Equal([verified, near, far, critical, high, submitted], await IdsAsync(reviewer, "sort=severity"));
        Assert.Equal([submitted, high, far, critical, verified, near], await IdsAsync(reviewer, "sort=oldest"));
        Assert.Equal([near, verified, critical, far, high, submitted], await IdsAsync(reviewer, "sort=newest"));
        Assert.Equal([far, near], await IdsAsync(reviewer, "kind=media-hit"));
        Assert.Equal([verified], await IdsAsync(reviewer, "bank=ngo"));
        Assert.Equal([verified], await IdsAsync(reviewer, "category=UK-B"));
        Assert.Equal([far, near], await IdsAsync(reviewer, "category=VICS-2"));
        Assert.Equal([high, critical], await IdsAsync(reviewer, "source=chat"));
        Assert.Empty(await IdsAsync(reviewer, "older_than=1h"));
        Assert.Equal(6, (await IdsAsync(reviewer, "newer_than=1h&status=open")).Count);
        Assert.Equal([verified, near], await IdsAsync(reviewer, "sort=severity&limit=2"));
        Assert.Equal([far, critical], await IdsAsync(reviewer, "sort=severity&limit=2&offset=2"));

        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsync($"/v1/review/items/{far}/claim", null)).StatusCode);
        Assert.Equal([far], await IdsAsync(reviewer, "assignee=me"));
        Assert.Empty(await IdsAsync(reviewer, "assignee=someone"));
        Assert.DoesNotContain(far, await IdsAsync(reviewer, "assignee=unassigned"));
        var other = await h.ClientAsync("reviewer", "hasher");
        Assert.Equal([far], await IdsAsync(other, "assignee=someone"));

        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync("/v1/review/items?sort=loudest")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync("/v1/review/items?older_than=soon")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync("/v1/review/items?assignee=everyone")).StatusCode);
    }

    [SkippableFact]
    public async Task Duplicates_of_one_hash_are_one_row_and_one_decision_covers_each_with_its_own_audit_entry()
    {
        await using var h = await StartAsync();
        var reviewer = await h.ClientAsync("reviewer");
        var a = await HashHitAsync(h, "demo", Hex(7), verified: false);
        var lone = await HashHitAsync(h, "demo", Hex(8), verified: false);
        var b = await HashHitAsync(h, "other", Hex(7), verified: false);
        var c = await HashHitAsync(h, "demo", Hex(7), verified: false);

        var rows = (await Json(await reviewer.GetAsync("/v1/review/items?group=true"))).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(a, rows[0].GetProperty("id").GetInt64());
        Assert.Equal(3, rows[0].GetProperty("group_count").GetInt32());
        Assert.Equal([a, b, c], rows[0].GetProperty("group_ids").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal(lone, rows[1].GetProperty("id").GetInt64());
        Assert.Equal(1, rows[1].GetProperty("group_count").GetInt32());

        var d = await reviewer.PostAsJsonAsync($"/v1/review/items/{a}/decision", new { decision = "false_positive", group = true });
        Assert.Equal(HttpStatusCode.OK, d.StatusCode);
        foreach (var id in new[] { a, b, c })
        {
            Assert.Equal("false_positive", (await h.State.Review.GetAsync(id))!.Status);
            Assert.Single(await h.State.Audit.ListAsync(0, 100, "review.decide", $"item:{id}"));
        }
        Assert.Equal("pending", (await h.State.Review.GetAsync(lone))!.Status);
    }

    [SkippableFact]
    public async Task Of_many_parallel_claims_exactly_one_wins_and_others_cannot_decide_the_claimed_item()
    {
        await using var h = await StartAsync();
        var item = await HashHitAsync(h, "demo", Hex(3), verified: false);
        var reviewers = new List<HttpClient>();
        for (int i = 0; i < 12; i++) reviewers.Add((await h.KeyAsync($"reviewer-{i}", null, "reviewer")).Client);

        var answers = await Task.WhenAll(reviewers.Select(r => r.PostAsync($"/v1/review/items/{item}/claim", null)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(11, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        int winner = Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal($"reviewer-{winner}", (await h.State.Review.GetAsync(item))!.ClaimedBy!.Split(':')[2]);
        Assert.Single(await h.State.Audit.ListAsync(0, 100, "review.claim", $"item:{item}"));

        var loser = reviewers[(winner + 1) % reviewers.Count];
        var refused = await loser.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "escalate" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"reviewer-{winner}", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await loser.PostAsync($"/v1/review/items/{item}/release", null)).StatusCode);
        Assert.Equal("pending", (await h.State.Review.GetAsync(item))!.Status);

        // Released, anyone may work it; the decision ends the claim.
        Assert.Equal(HttpStatusCode.OK, (await reviewers[winner].PostAsync($"/v1/review/items/{item}/release", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await loser.PostAsJsonAsync($"/v1/review/items/{item}/decision", new { decision = "escalate" })).StatusCode);
        Assert.Null((await h.State.Review.GetAsync(item))!.ClaimedBy);
    }

    [SkippableFact]
    public async Task An_expired_claim_is_no_claim_and_an_admin_may_assign_an_item_to_a_reviewer()
    {
        await using var h = await ServerHarness.StartAsync(await DbAsync(), o => o with { Demo = false, ClaimLifetime = TimeSpan.FromMilliseconds(300) });
        var item = await HashHitAsync(h, "demo", Hex(4), verified: false);
        var first = await h.ClientAsync("reviewer");
        var (second, _) = await h.KeyAsync("Sam", null, "reviewer");
        Assert.Equal(HttpStatusCode.OK, (await first.PostAsync($"/v1/review/items/{item}/claim", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await second.PostAsync($"/v1/review/items/{item}/claim", null)).StatusCode);
        await Task.Delay(600);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync($"/v1/review/items/{item}/claim", null)).StatusCode);

        var samId = (await h.State.Keys.ListAsync()).Single(k => k.Name == "Sam").Id;
        var other = await HashHitAsync(h, "demo", Hex(5), verified: false);
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.PostAsJsonAsync($"/v1/review/items/{other}/assign", new { key_id = samId })).StatusCode);
        Assert.Equal($"key:{samId}:Sam", (await h.State.Review.GetAsync(other))!.ClaimedBy);
        Assert.Single(await h.State.Audit.ListAsync(0, 100, "review.assign", $"item:{other}"));
    }

    [SkippableFact]
    public async Task Batch_confirms_only_verified_exact_hits_all_or_nothing()
    {
        await using var h = await StartAsync();
        var reviewer = await h.ClientAsync("reviewer");
        var v1 = await HashHitAsync(h, "ngo", Hex(11), verified: true);
        var v2 = await HashHitAsync(h, "ngo", Hex(12), verified: true);
        var unverified = await HashHitAsync(h, "demo", Hex(13), verified: false);

        var refused = await reviewer.PostAsJsonAsync("/v1/review/batch-decision", new { ids = new[] { v1, unverified }, category = "UK-A" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("pending", (await h.State.Review.GetAsync(v1))!.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.PostAsJsonAsync("/v1/review/batch-decision", new { ids = new[] { v1 } })).StatusCode);

        var ok = await reviewer.PostAsJsonAsync("/v1/review/batch-decision", new { ids = new[] { v1, v2 }, category = "UK-A" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        foreach (var id in new[] { v1, v2 })
        {
            var item = (await h.State.Review.GetAsync(id))!;
            Assert.Equal(("confirmed", "UK-A"), (item.Status, item.Category));
            Assert.DoesNotContain(await h.State.Audit.ListAsync(0, 100, null, $"item:{id}"), e => e.Action.StartsWith("media.view", StringComparison.Ordinal));
        }
        Assert.Equal(HttpStatusCode.Conflict, (await reviewer.PostAsJsonAsync("/v1/review/batch-decision", new { ids = new[] { v1 }, category = "UK-A" })).StatusCode);
    }

    [SkippableFact]
    public async Task A_region_view_is_clear_only_inside_the_region_and_audited_as_a_partial_clear_view()
    {
        await using var h = await ServerHarness.StartAsync(await DbAsync(), o => o with { Demo = false, MaxClearViewsPerDay = 2 });
        var reviewer = await h.ClientAsync("reviewer");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        var item = await PdqHitAsync(h, "demo", 3, System.IO.File.ReadAllBytes(image));

        var r = await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/media/clear", new { x = 0.5, y = 0.5, width = 0.5, height = 0.5 });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using var bmp = SkiaSharp.SKBitmap.Decode(await r.Content.ReadAsByteArrayAsync());
        Assert.True(ColourSpread(bmp, 0, 0, bmp.Width / 2 - 2, bmp.Height / 2 - 2) <= 2, "outside the region: greyscale");
        Assert.True(ColourSpread(bmp, bmp.Width / 2 + 2, bmp.Height / 2 + 2, bmp.Width, bmp.Height) > 8, "inside the region: colour");
        var entry = Assert.Single(await h.State.Audit.ListAsync(0, 100, "media.view.clear", $"item:{item}"));
        Assert.Contains("partial", entry.Detail);

        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/media/clear", new { x = 0.8, y = 0, width = 0.5, height = 1 })).StatusCode);
        // Partial views count against the cap (2 here) like whole ones.
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsync($"/v1/review/items/{item}/media/clear", null)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/media/clear", new { x = 0, y = 0, width = 0.25, height = 0.25 })).StatusCode);

        // Blurred views: colour on request, blur strength per view, both audited.
        var colour = await reviewer.GetAsync($"/v1/review/items/{item}/media?blur=10&greyscale=false");
        Assert.Equal(HttpStatusCode.OK, colour.StatusCode);
        using var c = SkiaSharp.SKBitmap.Decode(await colour.Content.ReadAsByteArrayAsync());
        Assert.True(ColourSpread(c, 0, 0, c.Width, c.Height) > 8);
        Assert.Contains("greyscale=off", Assert.Single(await h.State.Audit.ListAsync(0, 100, "media.view.blurred", $"item:{item}")).Detail);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync($"/v1/review/items/{item}/media?blur=1")).StatusCode);

        var settings = await Json(await reviewer.GetAsync("/v1/review/settings"));
        Assert.Equal(2, settings.GetProperty("clear_views_24h").GetInt64());
        Assert.Equal(2, settings.GetProperty("max_clear_views_per_day").GetInt32());
    }

    /// <summary>The largest difference between colour channels over a rectangle (0 for greyscale).</summary>
    private static int ColourSpread(SkiaSharp.SKBitmap bmp, int x0, int y0, int x1, int y1)
    {
        int max = 0;
        for (int y = y0; y < y1; y += 3)
            for (int x = x0; x < x1; x += 3)
            {
                var p = bmp.GetPixel(x, y);
                max = Math.Max(max, Math.Max(Math.Abs(p.Red - p.Green), Math.Abs(p.Green - p.Blue)));
            }
        return max;
    }

    [SkippableFact]
    public async Task The_queue_parameters_and_console_routes_are_in_the_openapi_description()
    {
        await using var h = await StartAsync();
        var doc = await Json(await h.Admin.GetAsync("/openapi.json"));
        var paths = doc.GetProperty("paths");
        var list = paths.GetProperty("/v1/review/items").GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        foreach (var name in (string[])["status", "kind", "bank", "category", "source", "older_than", "newer_than", "assignee", "sort", "group", "offset", "after", "limit"])
            Assert.Contains(name, list);
        foreach (var route in (string[])["/v1/review/items/{id}/claim", "/v1/review/items/{id}/release", "/v1/review/items/{id}/assign", "/v1/review/batch-decision",
                     "/v1/review/wellness", "/v1/review/session-summary"])
            Assert.True(paths.TryGetProperty(route, out _), route);
    }

    [SkippableFact]
    public async Task Wellness_events_go_to_the_audit_log_and_the_session_summary_counts_what_the_reviewer_did()
    {
        await using var h = await StartAsync();
        var (reviewer, _) = await h.KeyAsync("Wren", null, "reviewer");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var a = await HashHitAsync(h, "demo", Hex(21), verified: false);
        var b = await HashHitAsync(h, "demo", Hex(22), verified: false);
        foreach (var id in new[] { a, b })
            Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{id}/decision", new { decision = "escalate" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync("/v1/review/wellness", new { @event = "break_suggested", detail = "after 50 minutes" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync("/v1/review/wellness", new { @event = "break_taken" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.PostAsJsonAsync("/v1/review/wellness", new { @event = "nap" })).StatusCode);
        Assert.Single(await h.State.Audit.ListAsync(0, 100, "wellness.break_suggested"));

        var summary = await Json(await reviewer.GetAsync("/v1/review/session-summary?since=" + Uri.EscapeDataString(since.ToString("O"))));
        Assert.Equal(2, summary.GetProperty("decisions").GetInt64());
        Assert.Equal(0, summary.GetProperty("clear_views").GetInt64());
        Assert.Equal(1, summary.GetProperty("breaks_taken").GetInt64());
    }
}

public sealed class SqliteReviewConsoleTests : ReviewConsoleContract
{
    protected override Task<string> DbAsync() => Task.FromResult(TestDb.Sqlite());
}

public sealed class PostgresReviewConsoleTests : ReviewConsoleContract
{
    protected override Task<string> DbAsync() => TestDb.PostgresAsync();
}
