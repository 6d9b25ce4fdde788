using Microsoft.Extensions.Time.Testing;
using Safeguard.Crawl.Notices.Contacts;
using Safeguard.Crawl.Notices.Rendering;
using Safeguard.Crawl.Notices.Sending;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>Sightings into notices per provider, and the notice states, on SQLite and PostgreSQL.</summary>
public sealed class NoticeFlowTests
{
    internal static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    internal static ContactsTable Contacts() => ContactsTable.Parse("contacts.csv", new StringReader(
        "match,provider,abuse_email,web_form,escalation_email,escalation_contact,language,notes\n" +
        "203.0.113.0/24,Alpha Hosting,abuse@alpha.example,,escalate@alpha.example,Alpha duty desk,en,\n" +
        "*.beta.example,Beta Images,,https://beta.example/report,,,,\n"));

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Confirmed_sightings_group_per_provider_and_pending_ones_wait_for_review(bool postgres)
    {
        await using var db = await NoticesDb.CreateAsync(postgres);
        var clock = new FakeTimeProvider(Start);
        var store = new NoticeStore(db.Db, clock);
        var a1 = await db.AddSightingAsync("http://img.alpha.test/1.jpg", Start, "203.0.113.10", NoticesDb.Sha("1"));
        var a2 = await db.AddSightingAsync("http://img.alpha.test/2.jpg", Start.AddMinutes(1), "203.0.113.11", NoticesDb.Sha("2"));
        var b1 = await db.AddSightingAsync("https://cdn.beta.example/x.png", Start, "198.51.100.1", NoticesDb.Sha("3"));
        var pending = await db.AddSightingAsync("http://img.alpha.test/suspect.jpg", Start, "203.0.113.12", NoticesDb.Sha("4"), "pending", "suspected");
        var rejected = await db.AddSightingAsync("http://img.alpha.test/rejected.jpg", Start, "203.0.113.13", NoticesDb.Sha("5"), "rejected", "suspected");
        var nobody = await db.AddSightingAsync("http://elsewhere.test/y.jpg", Start, "192.0.2.1", NoticesDb.Sha("6"));

        var first = await store.CollectAsync(Contacts());
        Assert.Equal(4, first.Added);
        Assert.Equal(3, first.Notices);
        Assert.Equal(1, first.Unassigned);

        var notices = await store.ListAsync();
        Assert.Equal(3, notices.Count);
        Assert.All(notices, n => Assert.Equal(NoticeStates.Open, n.State));
        var alpha = notices.Single(n => n.Provider.Name == "Alpha Hosting");
        Assert.Equal("escalate@alpha.example", alpha.Provider.EscalationEmail);
        var alphaItems = (await store.ItemsAsync(alpha)).Select(i => i.Sighting.Id).ToHashSet();
        Assert.Equal(new HashSet<long> { a1, a2 }, alphaItems);
        Assert.Equal([b1], (await store.ItemsAsync(notices.Single(n => n.Provider.Name == "Beta Images"))).Select(i => i.Sighting.Id));
        Assert.Equal([nobody], (await store.ItemsAsync(notices.Single(n => n.Provider.IsUnassigned))).Select(i => i.Sighting.Id));
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM notice_sightings WHERE sighting_id IN (@p, @r)", ("@p", pending), ("@r", rejected)));

        // Collecting again adds nothing; a reviewer's confirmation brings the pending one into Alpha's open notice.
        Assert.Equal(0, (await store.CollectAsync(Contacts())).Added);
        await db.SetReviewStateAsync(pending, "confirmed");
        Assert.Equal(1, (await store.CollectAsync(Contacts())).Added);
        Assert.Equal(3, (await store.GetAsync(alpha.Id))!.ItemCount);

        // Once sent, Alpha's notice is closed: the next sighting opens a new one.
        var dispatcher = new NoticeDispatcher(store, null, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "Test Hotline", TimeSpan.FromHours(6));
        var queued = await dispatcher.SendAsync(alpha.Id);
        Assert.False(queued.Mailed);
        Assert.Equal(NoticeStates.Queued, queued.Notice.State);
        Assert.Contains("no SMTP", queued.QueuedBecause, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromMinutes(30));
        var sent = await dispatcher.MarkSentManuallyAsync(alpha.Id, null);
        Assert.Equal(NoticeStates.Sent, sent.State);
        Assert.Equal("manual", sent.SentBy);
        Assert.Equal("abuse@alpha.example", sent.SentTo);
        Assert.Equal(Start.AddMinutes(30), sent.SentAt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.MarkSentManuallyAsync(alpha.Id, null));

        var late = await db.AddSightingAsync("http://img.alpha.test/late.jpg", Start.AddHours(1), "203.0.113.14", NoticesDb.Sha("7"));
        await store.CollectAsync(Contacts());
        var alphaNotices = (await store.ListAsync()).Where(n => n.Provider.Name == "Alpha Hosting" && n.Kind == NoticeKinds.Notice).ToList();
        Assert.Equal(2, alphaNotices.Count);
        var reopened = alphaNotices.Single(n => n.State == NoticeStates.Open);
        Assert.Equal([late], (await store.ItemsAsync(reopened)).Select(i => i.Sighting.Id));
        // First re-check one interval after sending.
        Assert.Equal(Start.AddMinutes(30).AddHours(6).ToUnixTimeMilliseconds(),
            await db.ScalarAsync("SELECT MIN(next_check_at) FROM notice_sightings WHERE notice_id = @n", ("@n", alpha.Id)));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_provider_with_only_a_web_form_is_queued_with_the_form_named(bool postgres)
    {
        await using var db = await NoticesDb.CreateAsync(postgres);
        var store = new NoticeStore(db.Db, new FakeTimeProvider(Start));
        await db.AddSightingAsync("https://cdn.beta.example/x.png", Start, null, NoticesDb.Sha("x"));
        await store.CollectAsync(Contacts());
        var beta = Assert.Single(await store.ListAsync());
        var mail = new RecordingMailer();
        var outcome = await new NoticeDispatcher(store, mail, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "Hotline", TimeSpan.FromHours(1)).SendAsync(beta.Id);
        Assert.False(outcome.Mailed);
        Assert.Empty(mail.Sent);
        Assert.Contains("https://beta.example/report", outcome.QueuedBecause, StringComparison.Ordinal);
        Assert.Equal(NoticeStates.Queued, (await store.GetAsync(beta.Id))!.State);
    }

    [Fact]
    public async Task Sending_an_empty_or_unknown_notice_is_refused()
    {
        await using var db = await NoticesDb.CreateAsync(false);
        var store = new NoticeStore(db.Db, TimeProvider.System);
        var dispatcher = new NoticeDispatcher(store, null, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "Hotline", TimeSpan.FromHours(1));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => dispatcher.SendAsync(42));
    }
}

/// <summary>A mail sender that keeps what it was given.</summary>
internal sealed class RecordingMailer : IMailSender
{
    public List<(string To, RenderedEmail Email)> Sent { get; } = [];
    public string Describe => "recording";

    public Task SendAsync(string to, RenderedEmail email, CancellationToken ct)
    {
        lock (Sent) Sent.Add((to, email));
        return Task.CompletedTask;
    }
}
