using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Exchanges;
using Safeguard.Server.Exchanges;
using static Safeguard.Server.Tests.ServerHarness;
using static Safeguard.Server.Tests.Exchanges.ExchangeTestSupport;

namespace Safeguard.Server.Tests.Exchanges;

/// <summary>
/// A reviewer's decision on an item matched through an exchange's bank goes to the exchange's
/// feedback outbox only when the exchange opted in, only for verdicts (not escalations), audited.
/// </summary>
public sealed class ExchangeFeedbackTests
{
    [Fact]
    public async Task Decisions_enqueue_feedback_only_for_exchanges_that_opted_in()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { ExchangeFetch = false });
        var store = h.App.Services.GetRequiredService<IExchangeStore>();
        var matcher = await h.ClientAsync("matcher");
        var reviewer = await h.ClientAsync("reviewer");
        var (optedList, opted) = WriteList(3);
        var (silentList, silent) = WriteList(1);

        // No built-in list type takes feedback, so the opted-in exchange is configured in the store directly.
        await store.AddAsync(new ExchangeInfo
        {
            Name = "opted", Type = "file", Bank = "opted-bank", FeedbackEnabled = true,
            Settings = new ExchangeSettings(new Dictionary<string, string> { ["path"] = optedList, ["signal_type"] = "md5" }),
        });
        await store.AddAsync(new ExchangeInfo
        {
            Name = "silent", Type = "file", Bank = "silent-bank",
            Settings = new ExchangeSettings(new Dictionary<string, string> { ["path"] = silentList, ["signal_type"] = "md5" }),
        });
        foreach (var name in new[] { "opted", "silent" })
            Assert.True((await Json(await h.Admin.PostAsync($"/v1/exchanges/{name}/fetch", null))).GetProperty("succeeded").GetBoolean());

        async Task<long> ItemFor(string md5) =>
            (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = md5 }))).GetProperty("review_item_id").GetInt64();
        async Task Decide(long item, object decision) =>
            Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync($"/v1/review/items/{item}/decision", decision)).StatusCode);

        long confirmed = await ItemFor(opted[0]), escalated = await ItemFor(opted[1]), onSilent = await ItemFor(silent[0]);
        await Decide(confirmed, new { decision = "confirmed", category = "UK-C" });
        await Decide(escalated, new { decision = "escalate" });
        await Decide(onSilent, new { decision = "false_positive" });

        var pending = await store.PendingFeedbackAsync(100);
        var only = Assert.Single(pending);
        Assert.Equal("opted", only.Exchange);
        Assert.Equal(new ExchangeFeedback("md5", opted[0], FeedbackVerdict.Confirmed), only.Feedback with { Metadata = new Dictionary<string, string>(), UpstreamId = null, Note = null });

        // The escalated item, decided now, is a false positive upstream.
        await Decide(escalated, new { decision = "false_positive" });
        pending = await store.PendingFeedbackAsync(100);
        Assert.Equal(2, pending.Count);
        Assert.Contains(pending, p => p.Feedback.Value == opted[1] && p.Feedback.Verdict == FeedbackVerdict.FalsePositive);
        Assert.DoesNotContain(pending, p => p.Feedback.Value == silent[0]);

        var audited = await h.State.Db.QueryAsync("SELECT detail FROM audit_log WHERE action = 'exchange.feedback.enqueue' ORDER BY seq", r => r.GetString(0));
        Assert.Equal(2, audited.Count);
        Assert.Contains($"item={confirmed}; verdict=confirmed", audited[0]);
        Assert.Contains($"item={escalated}; verdict=false_positive", audited[1]);

        // Sending: the file type takes no feedback, so each row fails, keeps the error and is tried again later, not now.
        var sender = h.App.Services.GetRequiredService<ExchangeFeedbackSender>();
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        Assert.All(await store.PendingFeedbackAsync(100), p => Assert.Equal(1, p.Attempts));
        Assert.Equal(0, await sender.SendDueAsync(CancellationToken.None));
        Assert.All(await store.PendingFeedbackAsync(100), p => Assert.Equal(1, p.Attempts));
    }

    [Fact]
    public void Feedback_backoff_doubles_from_a_minute_to_six_hours()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), ExchangeFeedbackSender.Backoff(1));
        Assert.Equal(TimeSpan.FromMinutes(2), ExchangeFeedbackSender.Backoff(2));
        Assert.Equal(TimeSpan.FromMinutes(256), ExchangeFeedbackSender.Backoff(9));
        Assert.Equal(TimeSpan.FromHours(6), ExchangeFeedbackSender.Backoff(10));
        Assert.Equal(TimeSpan.FromHours(6), ExchangeFeedbackSender.Backoff(50));
    }
}
