using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Safeguard.Crawl.Notices.Contacts;
using Safeguard.Crawl.Notices.Rechecks;
using Safeguard.Crawl.Notices.Rendering;
using Safeguard.Crawl.Notices.Sending;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Tests;

public sealed class TemplateTests
{
    private static Notice Notice(string providerName = "Alpha") => new(5, NoticeKinds.Notice, null, NoticeStates.Open,
        new Provider(providerName, "abuse@alpha.example", null, null, null, null, null), NoticeFlowTests.Start, null, null, null, null, null, null, 2, 0, null);

    private static NoticeItem Item(long id, string url) => new(new Sighting(id, url, null, NoticeFlowTests.Start.AddMinutes(id), 200, "203.0.113.1", "h.test", "{}",
        "image/png", new string('a', 64), new string('b', 32), new string('c', 64), 90, "bank", "known", 3, null, "pdq", 4, "confirmed"), "rule", null, null, null, null, 0);

    [Fact]
    public void An_override_file_renders_every_item_with_its_fields()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "Subject: [{{notice_id}}] {{provider}}\r\n\r\nItems: {{item_count}}\r\n{{#items}}* {{url}} {{sha256}} {{distance}} {{page_url}}\r\n{{/items}}-- {{sender}}\r\n");
        try
        {
            var email = NoticeTemplate.Load(path).Render(Notice(), [Item(1, "http://h.test/1.png"), Item(2, "http://h.test/2.png")], "Hotline X");
            Assert.Equal("[5] Alpha", email.Subject);
            Assert.Equal($"Items: 2\n* http://h.test/1.png {new string('a', 64)} 4 -\n* http://h.test/2.png {new string('a', 64)} 4 -\n-- Hotline X\n", email.Body);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("Hello\n\n{{#items}}{{url}}{{/items}}", ":1: the first line must be 'Subject")]
    [InlineData("Subject: x\n\nno list here", "one {{#items}}")]
    [InlineData("Subject: x\n\n{{#items}}{{url}}{{/items}}\n{{url}}", "unknown field '{{url}}'")]
    [InlineData("Subject: {{provder}}\n\n{{#items}}{{url}}{{/items}}", ":1: unknown field '{{provder}}'")]
    [InlineData("Subject: x\n\nline two\n{{#items}}\n{{urll}}\n{{/items}}", ":5: unknown field '{{urll}}'")]
    public void Template_mistakes_are_refused_with_the_line(string text, string expected)
    {
        var ex = Assert.Throws<TemplateException>(() => NoticeTemplate.Parse("t.txt", text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_name_cannot_add_a_header_line_to_the_subject()
    {
        var email = NoticeTemplate.DefaultNotice.Render(Notice("Evil\r\nBcc: someone@example.org"), [Item(1, "http://h.test/1.png")], "H");
        Assert.DoesNotContain('\n', email.Subject);
        Assert.DoesNotContain('\r', email.Subject);
    }

    [Fact]
    public void The_json_form_holds_every_item_and_no_media()
    {
        var doc = JsonDocument.Parse(NoticeJson.Render(Notice(), [Item(1, "http://h.test/1.png"), Item(2, "http://h.test/2.png")])).RootElement;
        Assert.Equal(5, doc.GetProperty("id").GetInt64());
        Assert.Equal("Alpha", doc.GetProperty("provider").GetProperty("name").GetString());
        Assert.Equal(["http://h.test/1.png", "http://h.test/2.png"], doc.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("url").GetString()));
        Assert.Equal("2026-12-01T09:01:00Z", doc.GetProperty("items")[0].GetProperty("seen_at").GetString());
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("6h", 21600)]
    [InlineData("1.5d", 129600)]
    public void Durations_parse(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Safeguard.Cli.Commands.CrawlNoticesOptions.ParseDuration(text));

    [Theory]
    [InlineData("6")]
    [InlineData("h")]
    [InlineData("-1h")]
    [InlineData("3w")]
    public void Bad_durations_are_refused(string text) => Assert.Null(Safeguard.Cli.Commands.CrawlNoticesOptions.ParseDuration(text));

    /// <summary>A probe answering from a table, for the judging rules.</summary>
    private sealed class TableProbe(ProbeResult answer) : IMediaProbe
    {
        public Task<ProbeResult> ProbeAsync(Uri url, CancellationToken ct) => Task.FromResult(answer);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "present")] // distance 0: re-encoded copy
    [InlineData("00000000000000000000000000000000000000000000000000000000000000ff", "present")] // distance 8
    [InlineData("ffffffffffffffff000000000000000000000000000000000000000000000000", "gone")] // distance 64
    public async Task A_probe_with_a_near_pdq_counts_as_still_present(string probePdq, string expected)
    {
        await using var db = await NoticesDb.CreateAsync(false);
        var clock = new FakeTimeProvider(NoticeFlowTests.Start);
        var store = new NoticeStore(db.Db, clock);
        await db.AddSightingAsync("http://img.alpha.test/1.jpg", NoticeFlowTests.Start, "203.0.113.1", NoticesDb.Sha("orig"), pdq: new string('0', 64));
        await store.CollectAsync(NoticeFlowTests.Contacts());
        var notice = Assert.Single(await store.ListAsync());
        var dispatcher = new NoticeDispatcher(store, null, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "H", TimeSpan.FromHours(1));
        await dispatcher.MarkSentManuallyAsync(notice.Id, null);
        clock.Advance(TimeSpan.FromHours(1));
        var summary = await new Rechecker(store, new TableProbe(new ProbeResult.Present(NoticesDb.Sha("re-encoded"), probePdq)), dispatcher, new RecheckOptions { Interval = TimeSpan.FromHours(1) }).RunOnceAsync();
        Assert.Equal(expected == "present" ? 1 : 0, summary.Present);
        Assert.Equal(expected == "gone" ? 1 : 0, summary.Gone);
    }
}
