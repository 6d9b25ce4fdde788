using System.Text;
using System.Text.Json;
using Safeguard.Exchanges;
using Safeguard.Exchanges.Tests.Upstreams;

namespace Safeguard.Exchanges.Tests;

public class NcmecClientTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>What the client should make of the served list, written out by hand from NCMEC's element names.</summary>
    private static List<string> Expected(IEnumerable<NcmecEntry> entries)
    {
        var keys = new List<string>();
        foreach (var e in entries)
        {
            var upstream = $"{e.Member}-{e.Id}";
            if (e.Deleted) { keys.Add($"withdraw-all|{upstream}"); continue; }
            foreach (var (name, value) in e.Fingerprints)
            {
                var type = (e.Kind, name) switch
                {
                    ("image", "md5") => "md5", ("video", "md5") => "video_md5", (_, "sha1") => "sha1", ("image", "pdq") => "pdq", _ => null,
                };
                if (type is not null) keys.Add($"{type}|{value}|live|{upstream}");
            }
        }
        return keys;
    }

    [Fact]
    public async Task A_full_fetch_brings_every_entry_and_tombstone_with_its_labels()
    {
        await using var server = await ServiceKit.StartAsync(NcmecServer.WithGeneratedEntries(10));
        await using var client = ServiceKit.Client(server, clock: new ManualClock(Now));
        var pages = await ServiceKit.FetchAsync(client, null);

        Assert.Equal(4, pages.Count); // 10 entries, 3 a page
        Assert.Equal(Expected(server.Entries).Order(), ServiceKit.Keys(pages).Order());
        // pdna on each live image, videntifier on each live video: types Safeguard lacks, counted.
        Assert.Equal(server.Entries.Count(e => !e.Deleted), pages.Sum(p => p.Page.Skipped));
        var first = server.Requests.First();
        Assert.Equal("/hashsharing/v2/entries", first.Path);
        Assert.Equal("1970-01-01T00:00:00Z", first.Query["from"]);
        Assert.Equal("2025-06-01T11:59:55Z", first.Query["to"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{NcmecServer.User}:{NcmecServer.Password}")), first.Headers["Authorization"]);

        var image = server.Entries.First(e => e is { Kind: "image", Deleted: false });
        var pdq = pages.SelectMany(p => p.Items).Single(i => i.Entry.Type.Name == "pdq" && i.UpstreamId == $"{image.Member}-{image.Id}");
        Assert.Equal([image.Classification!], pdq.Entry.Tags);
        Assert.Equal(image.Id, pdq.Entry.Metadata!["ncmec_entry_id"]);
        Assert.Equal(image.Member.ToString(System.Globalization.CultureInfo.InvariantCulture), pdq.Entry.Metadata["ncmec_member_id"]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(server.Entries.Max(e => e.Timestamp)), pages.Max(p => p.Page.UpstreamTime));

        // Done: the range is closed, the next fetch starts where this one's range ended.
        using var last = JsonDocument.Parse(pages[^1].Page.Checkpoint);
        Assert.Equal(Now.ToUnixTimeSeconds() - 5, last.RootElement.GetProperty("from").GetInt64());
        Assert.False(last.RootElement.TryGetProperty("next", out var n) && n.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task A_fetch_stopped_after_a_page_resumes_with_the_rest_only()
    {
        await using var server = await ServiceKit.StartAsync(NcmecServer.WithGeneratedEntries(10));
        var clock = new ManualClock(Now);
        string checkpoint;
        List<string> firstKeys;
        await using (var client = ServiceKit.Client(server, clock: clock))
        {
            var first = await ServiceKit.FetchAsync(client, null, maxPages: 1);
            checkpoint = first[0].Page.Checkpoint;
            firstKeys = ServiceKit.Keys(first);
        }
        clock.Now = Now.AddHours(1);
        await using var resumed = ServiceKit.Client(server, clock: clock);
        var before = server.Requests.Count;
        var rest = await ServiceKit.FetchAsync(resumed, checkpoint);

        Assert.Equal("3", server.Requests.ElementAt(before).Query["start"]);
        Assert.Empty(firstKeys.Intersect(ServiceKit.Keys(rest)));
        Assert.Equal(Expected(server.Entries).Order(), firstKeys.Concat(ServiceKit.Keys(rest)).Order());
    }

    [Fact]
    public async Task A_paging_link_older_than_twelve_hours_restarts_its_range()
    {
        await using var server = await ServiceKit.StartAsync(NcmecServer.WithGeneratedEntries(10));
        var clock = new ManualClock(Now);
        await using var client = ServiceKit.Client(server, clock: clock);
        var checkpoint = (await ServiceKit.FetchAsync(client, null, maxPages: 1))[0].Page.Checkpoint;
        clock.Now = Now.AddHours(13);
        var before = server.Requests.Count;
        var again = await ServiceKit.FetchAsync(client, checkpoint);
        Assert.False(server.Requests.ElementAt(before).Query.ContainsKey("start"));
        Assert.Equal(Expected(server.Entries).Order(), ServiceKit.Keys(again).Order());
    }

    [Fact]
    public async Task The_next_fetch_takes_only_entries_of_the_new_range()
    {
        await using var server = await ServiceKit.StartAsync(NcmecServer.WithGeneratedEntries(4));
        var clock = new ManualClock(Now);
        await using var client = ServiceKit.Client(server, clock: clock);
        var done = await ServiceKit.FetchAsync(client, null);
        var added = new NcmecEntry(77, "image-new", "image", false, Now.ToUnixTimeSeconds() + 100, null, [new("pdq", new string('c', 64))]);
        server.Entries.Add(added);
        clock.Now = Now.AddMinutes(30);
        var next = await ServiceKit.FetchAsync(client, done[^1].Page.Checkpoint);
        Assert.Equal([$"pdq|{new string('c', 64)}|live|77-image-new"], ServiceKit.Keys(next));
    }

    [Fact]
    public async Task Verdicts_are_sent_as_feedback_submissions()
    {
        await using var server = await ServiceKit.StartAsync(NcmecServer.WithGeneratedEntries(3));
        await using var client = ServiceKit.Client(server, clock: new ManualClock(Now));
        var pdq = (await ServiceKit.FetchAsync(client, null)).SelectMany(p => p.Items).First(i => i.Entry.Type.Name == "pdq");
        var entry = server.Entries.Single(e => $"{e.Member}-{e.Id}" == pdq.UpstreamId);

        await client.SendFeedbackAsync(new ExchangeFeedback("pdq", pdq.Entry.Value, FeedbackVerdict.Confirmed) { UpstreamId = pdq.UpstreamId, Metadata = pdq.Entry.Metadata! }, default);
        await client.SendFeedbackAsync(new ExchangeFeedback("md5", "x", FeedbackVerdict.FalsePositive) { UpstreamId = pdq.UpstreamId }, default);

        var votes = server.Votes.ToList();
        Assert.Equal(new NcmecVote(entry.Member.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Id, "PDQ", "affirmative", null), votes[0]);
        // The only reason NCMEC offers is the one sent.
        Assert.Equal(new NcmecVote(entry.Member.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Id, "MD5", "negative", server.Reasons[0].Key), votes[1]);
        Assert.StartsWith("application/xml", server.Requests.Last().ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_false_positive_needs_a_chosen_reason_when_there_are_several()
    {
        await using var server = await ServiceKit.StartAsync(NcmecServer.WithGeneratedEntries(1));
        server.Reasons.Add(new("11111111-2222-3333-4444-555555555555", "Not the described content"));
        var feedback = new ExchangeFeedback("pdq", new string('a', 64), FeedbackVerdict.FalsePositive) { UpstreamId = "40-image0" };
        await using (var client = ServiceKit.Client(server))
        {
            var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.SendFeedbackAsync(feedback, default));
            Assert.Contains("negative_reason", ex.Message, StringComparison.Ordinal);
            Assert.Contains("11111111-2222-3333-4444-555555555555", ex.Message, StringComparison.Ordinal);
        }
        var chosen = new ExchangeSettings(server.Settings().Values.Append(KeyValuePair.Create("negative_reason", "11111111-2222-3333-4444-555555555555")));
        await using (var client = ServiceKit.Client(server, chosen))
            await client.SendFeedbackAsync(feedback, default);
        Assert.Equal(new NcmecVote("40", "image0", "PDQ", "negative", "11111111-2222-3333-4444-555555555555"), Assert.Single(server.Votes));
    }

    [Fact]
    public void Settings_name_the_environment_and_ids()
    {
        var type = new Ncmec.NcmecExchangeType();
        Assert.Contains("environment", type.Validate(new([new("username", "u"), new("password", "p"), new("environment", "Moon")])), StringComparison.Ordinal);
        Assert.Contains("only_esp_ids", type.Validate(new([new("username", "u"), new("password", "p"), new("only_esp_ids", "1,x")])), StringComparison.Ordinal);
        Assert.Null(type.Validate(new([new("username", "u"), new("password", "p"), new("environment", "test_NGO")])));
        Assert.True(type.SupportsFeedback);
    }

    [Fact]
    public async Task Only_the_chosen_members_entries_are_taken()
    {
        await using var server = await ServiceKit.StartAsync(NcmecServer.WithGeneratedEntries(9));
        var settings = new ExchangeSettings(server.Settings().Values.Append(KeyValuePair.Create("only_esp_ids", "41")));
        await using var client = ServiceKit.Client(server, settings, clock: new ManualClock(Now));
        var keys = ServiceKit.Keys(await ServiceKit.FetchAsync(client, null));
        Assert.Equal(Expected(server.Entries.Where(e => e.Member == 41)).Order(), keys.Order());
        Assert.NotEmpty(keys);
    }
}
