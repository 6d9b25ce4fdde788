using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Safeguard.Crawl.Notices.Rechecks;
using Safeguard.Crawl.Notices.Rendering;
using Safeguard.Crawl.Notices.Reports;
using Safeguard.Crawl.Notices.Sending;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>Re-checks against a real local HTTP server, on a clock the test moves.</summary>
public sealed class RecheckTests : IDisposable
{
    private static readonly DateTimeOffset Start = NoticeFlowTests.Start;
    private readonly TestSite _site = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static readonly RecheckOptions Options = new()
    {
        Interval = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(8), EscalateAfter = TimeSpan.FromHours(24),
    };

    public void Dispose()
    {
        _http.Dispose();
        _site.Dispose();
    }

    private static byte[] Image(string name) => System.Text.Encoding.UTF8.GetBytes($"\xFF\xD8 pretend JPEG {name} " + new string('x', 5000));
    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Removed_media_records_time_to_removal_and_media_still_online_escalates(bool postgres)
    {
        await using var db = await NoticesDb.CreateAsync(postgres);
        var clock = new FakeTimeProvider(Start);
        var store = new NoticeStore(db.Db, clock);
        var keep = Image("keep");
        var removed = Image("removed");
        _site.Files["/keep.jpg"] = (200, keep);
        _site.Files["/removed.jpg"] = (200, removed);
        var keepId = await db.AddSightingAsync(_site.Url("/keep.jpg"), Start, "203.0.113.10", Sha(keep));
        var removedId = await db.AddSightingAsync(_site.Url("/removed.jpg"), Start, "203.0.113.10", Sha(removed));
        await store.CollectAsync(NoticeFlowTests.Contacts());
        var notice = Assert.Single(await store.ListAsync());

        var mail = new RecordingMailer();
        var dispatcher = new NoticeDispatcher(store, mail, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "Hotline", Options.Interval);
        var rechecker = new Rechecker(store, new HttpMediaProbe(_http), dispatcher, Options);
        clock.Advance(TimeSpan.FromHours(1)); // sent at Start + 1 h
        Assert.True((await dispatcher.SendAsync(notice.Id)).Mailed);

        // Nothing is due before the interval has passed.
        Assert.Equal(0, (await rechecker.RunOnceAsync()).Checked);
        clock.Advance(TimeSpan.FromHours(1));
        var first = await rechecker.RunOnceAsync();
        Assert.Equal((2, 2, 0), (first.Checked, first.Present, first.Gone));

        _site.Files.TryRemove("/removed.jpg", out _);
        clock.Advance(TimeSpan.FromHours(1)); // Start + 3 h: removed is gone 2 h after the notice
        var second = await rechecker.RunOnceAsync();
        Assert.Equal((2, 1, 1), (second.Checked, second.Present, second.Gone));
        Assert.Empty(second.Escalations);
        var items = await store.ItemsAsync(notice);
        var gone = items.Single(i => i.Sighting.Id == removedId);
        Assert.Equal(Start.AddHours(3), gone.GoneAt);
        Assert.Equal("HTTP 404", gone.GoneReason);
        Assert.Null(items.Single(i => i.Sighting.Id == keepId).GoneAt);

        // 24 h after sending, the kept image is still online: escalation to the escalation contact, naming only it.
        clock.Advance(TimeSpan.FromHours(22)); // Start + 25 h
        var third = await rechecker.RunOnceAsync();
        var escalation = Assert.Single(third.Escalations);
        Assert.True(escalation.Mailed);
        Assert.Equal(NoticeKinds.Escalation, escalation.Notice.Kind);
        Assert.Equal(notice.Id, escalation.Notice.ParentId);
        var (to, email) = mail.Sent[^1];
        Assert.Equal("escalate@alpha.example", to);
        Assert.Contains(_site.Url("/keep.jpg"), email.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(_site.Url("/removed.jpg"), email.Body, StringComparison.Ordinal);
        var parent = (await store.GetAsync(notice.Id))!;
        Assert.Equal(NoticeStates.Escalated, parent.State);
        Assert.Equal(Start.AddHours(25), parent.EscalatedAt);
        // Escalation happens once.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty((await rechecker.RunOnceAsync()).Escalations);

        _site.Files.TryRemove("/keep.jpg", out _);
        clock.Advance(TimeSpan.FromHours(1)); // Start + 27 h: kept image gone 26 h after the notice
        var last = await rechecker.RunOnceAsync();
        Assert.Equal([notice.Id], last.Resolved);
        Assert.Equal(NoticeStates.Resolved, (await store.GetAsync(notice.Id))!.State);
        Assert.Equal(0, (await rechecker.RunOnceAsync()).Checked);

        // Hours to removal: 2 and 26; median 14, p90 2 + 0.9 × 24 = 23.6; from first sighting: 3 and 27, median 15.
        var figures = Assert.Single(await RemovalReport.ComputeAsync(db.Db));
        Assert.Equal(("Alpha Hosting", 2, 1, 1, 2, 0, 1), (figures.Provider, figures.Sightings, figures.Notices, figures.NoticesSent, figures.Removed, figures.StillPresent, figures.Escalated));
        Assert.Equal(14.0, figures.MedianHoursToRemoval!.Value, 6);
        Assert.Equal(23.6, figures.P90HoursToRemoval!.Value, 6);
        Assert.Equal(15.0, figures.MedianHoursSeenToRemoval!.Value, 6);
        Assert.Equal(7, await db.ScalarAsync("SELECT COUNT(*) FROM rechecks"));
    }

    [Fact]
    public async Task Failed_checks_back_off_and_changed_content_counts_as_removed()
    {
        await using var db = await NoticesDb.CreateAsync(false);
        var clock = new FakeTimeProvider(Start);
        var store = new NoticeStore(db.Db, clock);
        _site.Files["/flaky.jpg"] = (503, "busy"u8.ToArray());
        var original = Image("swap");
        _site.Files["/swap.jpg"] = (200, Image("something else"));
        var flakyId = await db.AddSightingAsync(_site.Url("/flaky.jpg"), Start, "203.0.113.10", Sha(Image("flaky")));
        var swapId = await db.AddSightingAsync(_site.Url("/swap.jpg"), Start, "203.0.113.10", Sha(original));
        await store.CollectAsync(NoticeFlowTests.Contacts());
        var notice = Assert.Single(await store.ListAsync());
        var dispatcher = new NoticeDispatcher(store, null, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "Hotline", Options.Interval);
        await dispatcher.MarkSentManuallyAsync(notice.Id, "abuse@alpha.example");
        var rechecker = new Rechecker(store, new HttpMediaProbe(_http), dispatcher, Options);

        clock.Advance(TimeSpan.FromHours(1));
        var first = await rechecker.RunOnceAsync();
        Assert.Equal((2, 1, 1), (first.Checked, first.Errors, first.Gone));
        var swapped = (await store.ItemsAsync(notice)).Single(i => i.Sighting.Id == swapId);
        Assert.Equal("the URL now serves different content", swapped.GoneReason);

        // After 1 failure the wait is 2 intervals, after 2 failures 4, then 8 (the cap), then 8 again.
        int[] waits = [2, 4, 8, 8];
        int failures = 0;
        foreach (var wait in waits)
        {
            failures++;
            Assert.Equal(failures, (await store.ItemsAsync(notice)).Single(i => i.Sighting.Id == flakyId).Failures);
            clock.Advance(TimeSpan.FromHours(wait - 1));
            Assert.Equal(0, (await rechecker.RunOnceAsync()).Checked);
            clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(1, (await rechecker.RunOnceAsync()).Errors);
        }
        Assert.Equal(1 + waits.Length, _site.Hits["/flaky.jpg"]);
        Assert.Equal("error", (await store.ItemsAsync(notice)).Single(i => i.Sighting.Id == flakyId).LastResult);
        Assert.Equal(waits.Length + 1, await db.ScalarAsync("SELECT COUNT(*) FROM rechecks WHERE sighting_id = @s AND detail = 'HTTP 503'", ("@s", flakyId)));

        // A present answer resets the back-off.
        _site.Files["/flaky.jpg"] = (200, Image("flaky"));
        clock.Advance(TimeSpan.FromHours(8));
        Assert.Equal(1, (await rechecker.RunOnceAsync()).Present);
        Assert.Equal(0, (await store.ItemsAsync(notice)).Single(i => i.Sighting.Id == flakyId).Failures);
    }

    [Fact]
    public async Task Without_smtp_the_escalation_is_queued_and_resolved_with_its_notice()
    {
        await using var db = await NoticesDb.CreateAsync(false);
        var clock = new FakeTimeProvider(Start);
        var store = new NoticeStore(db.Db, clock);
        var image = Image("online");
        _site.Files["/online.jpg"] = (200, image);
        await db.AddSightingAsync(_site.Url("/online.jpg"), Start, "203.0.113.10", Sha(image));
        await store.CollectAsync(NoticeFlowTests.Contacts());
        var notice = Assert.Single(await store.ListAsync());
        var dispatcher = new NoticeDispatcher(store, null, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "Hotline", Options.Interval);
        await dispatcher.MarkSentManuallyAsync(notice.Id, null);
        var rechecker = new Rechecker(store, new HttpMediaProbe(_http), dispatcher, Options);

        clock.Advance(TimeSpan.FromHours(24));
        var escalation = Assert.Single((await rechecker.RunOnceAsync()).Escalations);
        Assert.False(escalation.Mailed);
        Assert.Equal(NoticeStates.Queued, escalation.Notice.State);
        Assert.Contains(_site.Url("/online.jpg"), escalation.Email.Body, StringComparison.Ordinal);
        Assert.Contains("Alpha duty desk", escalation.Email.Body, StringComparison.Ordinal);

        _site.Files.TryRemove("/online.jpg", out _);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal([notice.Id], (await rechecker.RunOnceAsync()).Resolved);
        Assert.Equal(NoticeStates.Resolved, (await store.GetAsync(escalation.Notice.Id))!.State);
    }
}
