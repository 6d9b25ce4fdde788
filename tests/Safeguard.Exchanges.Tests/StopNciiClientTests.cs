using System.Text.Json;
using Safeguard.Exchanges;
using Safeguard.Exchanges.Tests.Upstreams;

namespace Safeguard.Exchanges.Tests;

public class StopNciiClientTests
{
    /// <summary>The served records as the client should give them, by StopNCII's signal type and status names.</summary>
    private static List<string> Expected(IEnumerable<StopNciiRecord> records) =>
        records.OrderBy(r => r.LastModified).Select(r => (r, type: r.SignalType switch { "ImagePDQ" => "pdq", "VideoMD5" => "video_md5", _ => null }))
            .Where(x => x.type is not null)
            .Select(x => $"{x.type}|{x.r.HashValue}|{(x.r.HashStatus is "Withdrawn" or "Deleted" ? "withdrawn" : "live")}|").ToList();

    [Fact]
    public async Task A_full_fetch_follows_page_tokens_and_brings_withdrawals()
    {
        await using var server = await ServiceKit.StartAsync(StopNciiServer.WithGeneratedRecords(10));
        await using var client = ServiceKit.Client(server);
        var pages = await ServiceKit.FetchAsync(client, null);

        Assert.Equal(4, pages.Count);
        Assert.Equal(Expected(server.Records), ServiceKit.Keys(pages));
        Assert.Equal(server.Records.Count(r => r.SignalType == "Text"), pages.Sum(p => p.Page.Skipped));
        var first = server.Requests.First();
        Assert.Equal("/v1/FetchHashes", first.Path);
        Assert.Equal("10", first.Query["startTimestamp"]);
        Assert.Equal("3", first.Query["pageSize"]);
        Assert.False(first.Query.ContainsKey("nextPageToken"));
        Assert.Equal(StopNciiServer.FetchKey, first.Headers["x-functions-key"]);
        Assert.Equal(StopNciiServer.SubscriptionKey, first.Headers["Ocp-Apim-Subscription-Key"]);
        Assert.True(server.Requests.Skip(1).All(r => r.Query.ContainsKey("nextPageToken") && r.Query["startTimestamp"] == "10"));

        var record = server.Records.First(r => r is { SignalType: "ImagePDQ", HashStatus: "Active" });
        var item = pages.SelectMany(p => p.Items).Single(i => i.Entry.Value == record.HashValue);
        Assert.Equal(["ncii"], item.Entry.Tags);
        Assert.Equal("Active", item.Entry.Metadata!["stopncii_status"]);
        Assert.Equal(string.Join(',', record.FeedbackValues.GroupBy(v => v).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}")), item.Entry.Metadata["stopncii_feedback"]);
        using var last = JsonDocument.Parse(pages[^1].Page.Checkpoint);
        Assert.Equal(server.Records.Max(r => r.LastModified), last.RootElement.GetProperty("start_timestamp").GetInt64());
    }

    [Fact]
    public async Task A_fetch_stopped_after_a_page_resumes_with_the_rest_only()
    {
        await using var server = await ServiceKit.StartAsync(StopNciiServer.WithGeneratedRecords(10));
        await using var client = ServiceKit.Client(server);
        var first = await ServiceKit.FetchAsync(client, null, maxPages: 1);
        var before = server.Requests.Count;
        var rest = await ServiceKit.FetchAsync(client, first[0].Page.Checkpoint);
        Assert.Equal(server.Records[2].LastModified.ToString(System.Globalization.CultureInfo.InvariantCulture), server.Requests.ElementAt(before).Query["startTimestamp"]);
        Assert.Equal(Expected(server.Records), ServiceKit.Keys(first).Concat(ServiceKit.Keys(rest)).ToList());
        Assert.Empty(ServiceKit.Keys(first).Intersect(ServiceKit.Keys(rest)));
    }

    [Fact]
    public async Task Nothing_new_is_an_unchanged_page()
    {
        await using var server = await ServiceKit.StartAsync(StopNciiServer.WithGeneratedRecords(4));
        await using var client = ServiceKit.Client(server);
        var all = await ServiceKit.FetchAsync(client, null);
        var again = Assert.Single(await ServiceKit.FetchAsync(client, all[^1].Page.Checkpoint));
        Assert.True(again.Page.Unchanged);
        Assert.Empty(again.Items);
    }

    [Fact]
    public async Task Verdicts_are_sent_with_SubmitFeedback()
    {
        await using var server = await ServiceKit.StartAsync(StopNciiServer.WithGeneratedRecords(2));
        await using var client = ServiceKit.Client(server);
        var pdq = new string('e', 64);
        await client.SendFeedbackAsync(new ExchangeFeedback("pdq", pdq, FeedbackVerdict.Confirmed), default);
        await client.SendFeedbackAsync(new ExchangeFeedback("video_md5", new string('f', 32), FeedbackVerdict.FalsePositive), default);
        var sent = server.Feedback.ToList();
        Assert.Equal(2, sent.Count);
        Assert.Equal("""{"count":1,"hashFeedbacks":[{"tags":[],"feedbackValue":"Blocked","hashValue":"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"}]}""", sent[0].GetRawText());
        Assert.Equal("NotBlocked", sent[1].GetProperty("hashFeedbacks")[0].GetProperty("feedbackValue").GetString());
        var request = server.Requests.Last();
        Assert.Equal("/v1/SubmitFeedback", request.Path);
        Assert.Equal(StopNciiServer.FeedbackKey, request.Headers["x-functions-key"]);

        var md5 = await Assert.ThrowsAsync<ExchangeException>(() => client.SendFeedbackAsync(new ExchangeFeedback("md5", new string('f', 32), FeedbackVerdict.Confirmed), default));
        Assert.Contains("'md5'", md5.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_without_its_function_key_names_the_setting()
    {
        await using var server = await ServiceKit.StartAsync(StopNciiServer.WithGeneratedRecords(1));
        var settings = new ExchangeSettings(server.Settings().Values.Where(kv => kv.Key != "feedback_function_key"));
        await using var client = ServiceKit.Client(server, settings);
        var ex = await Assert.ThrowsAsync<ExchangeException>(() => client.SendFeedbackAsync(new ExchangeFeedback("pdq", new string('e', 64), FeedbackVerdict.Confirmed), default));
        Assert.Contains("feedback_function_key", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Feedback);
    }

    [Fact]
    public async Task A_time_outside_the_calendar_is_dropped_not_fatal()
    {
        await using var server = await ServiceKit.StartAsync(new StopNciiServer());
        server.Records.Add(new StopNciiRecord("ImagePDQ", new string('d', 64), "Active", long.MaxValue, []));
        await using var client = ServiceKit.Client(server);
        var page = Assert.Single(await ServiceKit.FetchAsync(client, null));
        Assert.Equal($"pdq|{new string('d', 64)}|live|", ServiceKit.Key(Assert.Single(page.Items)));
        Assert.Null(page.Page.UpstreamTime);
        Assert.False(page.Items[0].Entry.Metadata!.ContainsKey("stopncii_modified"));
    }
}
