using Safeguard.Exchanges;
using Safeguard.Exchanges.Tests.Upstreams;

namespace Safeguard.Exchanges.Tests;

public class ThreatExchangeClientTests
{
    /// <summary>The served updates as the client should give them, by ThreatExchange's indicator type names.</summary>
    private static List<string> Expected(IEnumerable<TeUpdate> updates) =>
        updates.OrderBy(u => u.LastUpdated).Select(u => (u, type: u.Type switch
        {
            "HASH_PDQ" => "pdq", "HASH_MD5" => "md5", "HASH_VIDEO_MD5" => "video_md5", _ => null,
        })).Where(x => x.type is not null)
        .Select(x => $"{x.type}|{x.u.Indicator}|{(x.u.ShouldDelete ? "withdrawn" : "live")}|{x.u.Id}").ToList();

    [Fact]
    public async Task A_full_fetch_follows_the_pages_and_brings_deletions_and_tags()
    {
        await using var server = await ServiceKit.StartAsync(ThreatExchangeServer.WithGeneratedUpdates(12));
        await using var client = ServiceKit.Client(server);
        var pages = await ServiceKit.FetchAsync(client, null);

        Assert.Equal(3, pages.Count);
        Assert.Equal(Expected(server.Updates), ServiceKit.Keys(pages));
        Assert.Equal(3, pages.Sum(p => p.Page.Skipped)); // the URI indicators
        var first = server.Requests.First();
        Assert.Equal($"/v21.0/{ThreatExchangeServer.PrivacyGroup}/threat_updates/", first.Path);
        Assert.Equal("4", first.Query["limit"]);
        Assert.False(first.Query.ContainsKey("start_time"));
        Assert.Contains("should_delete", first.Query["fields"], StringComparison.Ordinal);

        var live = server.Updates.First(u => u is { ShouldDelete: false, Type: "HASH_PDQ" });
        var item = pages.SelectMany(p => p.Items).Single(i => i.UpstreamId == live.Id);
        Assert.Equal(live.Descriptors.SelectMany(d => d.Tags).Order(StringComparer.Ordinal), item.Entry.Tags);
        Assert.Equal(live.Descriptors[0].Id, item.Entry.Metadata!["te_descriptor_ids"]);
        Assert.Equal("MALICIOUS", item.Entry.Metadata["te_status"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(server.Updates.Max(u => u.LastUpdated)), pages[^1].Page.UpstreamTime);
    }

    [Fact]
    public async Task A_fetch_stopped_after_a_page_resumes_with_the_rest_only()
    {
        await using var server = await ServiceKit.StartAsync(ThreatExchangeServer.WithGeneratedUpdates(12));
        string checkpoint;
        List<string> firstKeys;
        await using (var client = ServiceKit.Client(server))
        {
            var first = await ServiceKit.FetchAsync(client, null, maxPages: 1);
            checkpoint = first[0].Page.Checkpoint;
            firstKeys = ServiceKit.Keys(first);
        }
        await using var resumed = ServiceKit.Client(server);
        var before = server.Requests.Count;
        var rest = await ServiceKit.FetchAsync(resumed, checkpoint);

        Assert.Equal("1700000003", server.Requests.ElementAt(before).Query["start_time"]); // the fourth update's second
        Assert.Empty(firstKeys.Intersect(ServiceKit.Keys(rest)));
        Assert.Equal(Expected(server.Updates), firstKeys.Concat(ServiceKit.Keys(rest)).ToList());
    }

    [Fact]
    public async Task Updates_sharing_the_boundary_second_are_neither_lost_nor_repeated()
    {
        await using var server = await ServiceKit.StartAsync(new ThreatExchangeServer { PageSize = 2 });
        for (var i = 0; i < 5; i++)
            server.Updates.Add(new TeUpdate($"{100 + i}", new string((char)('a' + i), 64), "HASH_PDQ", 1_700_000_000, false, [new("1", 1, [], "MALICIOUS")]));
        await using var client = ServiceKit.Client(server);
        var first = await ServiceKit.FetchAsync(client, null, maxPages: 1);
        var rest = await ServiceKit.FetchAsync(client, first[0].Page.Checkpoint);
        Assert.Equal(Expected(server.Updates), ServiceKit.Keys(first).Concat(ServiceKit.Keys(rest)).ToList());
    }

    [Fact]
    public async Task Nothing_new_is_an_unchanged_page()
    {
        await using var server = await ServiceKit.StartAsync(ThreatExchangeServer.WithGeneratedUpdates(6));
        await using var client = ServiceKit.Client(server);
        var all = await ServiceKit.FetchAsync(client, null);
        var again = Assert.Single(await ServiceKit.FetchAsync(client, all[^1].Page.Checkpoint));
        Assert.True(again.Page.Unchanged);
        Assert.Empty(again.Items);
    }

    [Fact]
    public async Task Verdicts_are_sent_as_reactions_on_the_descriptor()
    {
        await using var server = await ServiceKit.StartAsync(ThreatExchangeServer.WithGeneratedUpdates(3));
        await using var client = ServiceKit.Client(server);
        var item = (await ServiceKit.FetchAsync(client, null)).SelectMany(p => p.Items).First(i => !i.Withdrawn);
        var metadata = item.Entry.Metadata!;
        await client.SendFeedbackAsync(new ExchangeFeedback(item.Entry.Type.Name, item.Entry.Value, FeedbackVerdict.Confirmed) { Metadata = metadata }, default);
        await client.SendFeedbackAsync(new ExchangeFeedback(item.Entry.Type.Name, item.Entry.Value, FeedbackVerdict.FalsePositive) { Metadata = metadata }, default);
        Assert.Equal([new(metadata["te_descriptor_ids"], "HELPFUL"), new(metadata["te_descriptor_ids"], "DISAGREE_WITH_TAGS")], server.Reactions.ToList());
        Assert.StartsWith("application/x-www-form-urlencoded", server.Requests.Last().ContentType, StringComparison.Ordinal);

        var none = await Assert.ThrowsAsync<ExchangeException>(() => client.SendFeedbackAsync(new ExchangeFeedback("pdq", "x", FeedbackVerdict.Confirmed), default));
        Assert.Contains("te_descriptor_ids", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_that_is_not_an_app_token_is_refused_without_repeating_it()
    {
        var error = new ThreatExchange.ThreatExchangeExchangeType().Validate(new([new("access_token", "hunter2-secret"), new("privacy_group", "1")]));
        Assert.Contains("access_token", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_link_to_another_host_is_refused()
    {
        await using var server = await ServiceKit.StartAsync(ThreatExchangeServer.WithGeneratedUpdates(12));
        var settings = new ExchangeSettings(server.Settings().Values.Select(kv => kv.Key == "base_url" ? KeyValuePair.Create(kv.Key, server.BaseUri.AbsoluteUri.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)) : kv));
        await using var client = ServiceKit.Client(server, settings);
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => ServiceKit.FetchAsync(client, null));
        Assert.Contains("outside its own address", ex.Message, StringComparison.Ordinal);
    }
}
