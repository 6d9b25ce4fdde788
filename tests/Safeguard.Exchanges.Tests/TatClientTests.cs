using System.Text.Json;
using Safeguard.Exchanges;
using Safeguard.Exchanges.Tests.Upstreams;

namespace Safeguard.Exchanges.Tests;

public class TatClientTests
{
    /// <summary>The served entries as the client should give them: PDQ, MD5 of a video as video_md5, other MD5 as md5.</summary>
    private static List<string> Expected(IEnumerable<TatEntry> entries) =>
        entries.OrderBy(e => e.UpdatedOn).ThenBy(e => e.Id)
            .Select(e => (e, type: (e.Algorithm, e.FileType) switch { ("PDQ", _) => "pdq", ("MD5", "mp4") => "video_md5", ("MD5", _) => "md5", _ => null }))
            .Where(x => x.type is not null)
            .Select(x => $"{x.type}|{x.e.HashDigest}|{(x.e.Deleted ? "withdrawn" : "live")}|{x.e.Id}").ToList();

    [Fact]
    public async Task A_full_fetch_signs_in_once_and_pages_after_each_checkpoint()
    {
        await using var server = await ServiceKit.StartAsync(TatServer.WithGeneratedEntries(10));
        await using var client = ServiceKit.Client(server);
        var pages = await ServiceKit.FetchAsync(client, null);

        Assert.Equal(4, pages.Count);
        Assert.Equal(Expected(server.Entries), ServiceKit.Keys(pages));
        Assert.Equal(server.Entries.Count(e => e.Algorithm == "TMK_OTHER"), pages.Sum(p => p.Page.Skipped));
        Assert.Equal(1, server.SignIns);
        var signIn = server.Requests.First();
        Assert.Equal("/token-auth/tcap/", signIn.Path);
        Assert.Contains($"username={TatServer.User}", signIn.Body, StringComparison.Ordinal);
        var lists = server.Requests.Where(r => r.Path == "/api/hash-list/v2/all").ToList();
        Assert.All(lists, r => Assert.Equal($"Bearer {TatServer.IssuedToken}", r.Headers["Authorization"]));
        Assert.Equal("", lists[0].Query["after"]);
        Assert.Equal(TatServer.Checkpoint(server.Entries[2]), lists[1].Query["after"]);

        var entry = server.Entries.First(e => e is { Algorithm: "PDQ", Deleted: false });
        var item = pages.SelectMany(p => p.Items).Single(i => i.UpstreamId == entry.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([entry.Ideology], item.Entry.Tags);
        Assert.Equal(entry.FileType, item.Entry.Metadata!["tat_file_type"]);
        using var last = JsonDocument.Parse(pages[^1].Page.Checkpoint);
        Assert.Equal(TatServer.Checkpoint(server.Entries[^1]), last.RootElement.GetProperty("after").GetString());
    }

    [Fact]
    public async Task A_fetch_stopped_after_a_page_resumes_with_the_rest_only()
    {
        await using var server = await ServiceKit.StartAsync(TatServer.WithGeneratedEntries(10));
        await using var client = ServiceKit.Client(server);
        var first = await ServiceKit.FetchAsync(client, null, maxPages: 1);
        var rest = await ServiceKit.FetchAsync(client, first[0].Page.Checkpoint);
        Assert.Equal(Expected(server.Entries), ServiceKit.Keys(first).Concat(ServiceKit.Keys(rest)).ToList());
        Assert.Empty(ServiceKit.Keys(first).Intersect(ServiceKit.Keys(rest)));
    }

    [Fact]
    public async Task Nothing_new_is_an_unchanged_page()
    {
        await using var server = await ServiceKit.StartAsync(TatServer.WithGeneratedEntries(4));
        await using var client = ServiceKit.Client(server);
        var all = await ServiceKit.FetchAsync(client, null);
        var again = Assert.Single(await ServiceKit.FetchAsync(client, all[^1].Page.Checkpoint));
        Assert.True(again.Page.Unchanged);
        Assert.Empty(again.Items);
    }

    [Fact]
    public async Task Tat_takes_no_feedback()
    {
        Assert.False(ExchangeTypes.Get("tat").SupportsFeedback);
        await using var server = await ServiceKit.StartAsync(TatServer.WithGeneratedEntries(1));
        await using var client = ServiceKit.Client(server);
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.SendFeedbackAsync(new ExchangeFeedback("pdq", new string('a', 64), FeedbackVerdict.Confirmed), default));
        Assert.Contains("no feedback", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_labels_and_times_are_clipped_or_dropped_not_fatal()
    {
        await using var server = await ServiceKit.StartAsync(new TatServer());
        server.Entries.Add(new TatEntry(1, new string('a', 32), "MD5", new string('x', 100_000), "png", false, 1e300));
        await using var client = ServiceKit.Client(server, limits: new ExchangeLimits { MaxFieldChars = 100 });
        var page = Assert.Single(await ServiceKit.FetchAsync(client, null));
        var item = Assert.Single(page.Items);
        Assert.Equal(new string('x', 100), Assert.Single(item.Entry.Tags));
        Assert.Equal(100, item.Entry.Metadata!["tat_ideology"].Length);
        Assert.False(item.Entry.Metadata.ContainsKey("tat_updated_on"));
        Assert.Null(page.Page.UpstreamTime);
    }
}
