using System.Text;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Safeguard.Crawl.Notices.Rendering;
using Safeguard.Crawl.Notices.Sending;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>Notices mailed through MailKit to a real SMTP conversation on 127.0.0.1.</summary>
public sealed class SmtpSendingTests
{
    [Fact]
    public async Task A_notice_is_mailed_with_every_url_and_hash_and_marked_sent_by_smtp()
    {
        await using var smtp = new SmtpTestServer();
        await using var db = await NoticesDb.CreateAsync(false);
        var clock = new FakeTimeProvider(NoticeFlowTests.Start);
        var store = new NoticeStore(db.Db, clock);
        var urls = Enumerable.Range(1, 12).Select(i => $"http://img.alpha.test/album/{i}.jpg").ToList();
        foreach (var (url, i) in urls.Select((u, i) => (u, i)))
            await db.AddSightingAsync(url, NoticeFlowTests.Start.AddMinutes(i), "203.0.113.10", NoticesDb.Sha(url));
        await store.CollectAsync(NoticeFlowTests.Contacts());
        var notice = Assert.Single(await store.ListAsync());

        var passwordFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(passwordFile, "s3cret-pass\n");
        var settings = new SmtpSettings
        {
            Host = "127.0.0.1", Port = smtp.Port, Security = SmtpSecurity.None, User = "hotline",
            Password = SmtpSettings.ReadPassword(null, passwordFile), From = "notices@hotline.example", ReplyTo = "casework@hotline.example",
        };
        File.Delete(passwordFile);
        Assert.DoesNotContain("s3cret", settings.ToString(), StringComparison.Ordinal);
        var dispatcher = new NoticeDispatcher(store, new SmtpMailer(settings), NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation,
            "Example Hotline", TimeSpan.FromHours(6));
        var outcome = await dispatcher.SendAsync(notice.Id);

        Assert.True(outcome.Mailed, outcome.QueuedBecause);
        Assert.Equal(NoticeStates.Sent, outcome.Notice.State);
        Assert.Equal("smtp", outcome.Notice.SentBy);
        var received = Assert.Single(smtp.Messages);
        Assert.Equal("\0hotline\0s3cret-pass", received.AuthPlain);
        Assert.Equal(["<abuse@alpha.example>"], received.Recipients);
        Assert.Equal("<notices@hotline.example>", received.MailFrom);

        var message = await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(received.Data)));
        Assert.Equal("notices@hotline.example", message.From.Mailboxes.Single().Address);
        Assert.Equal("abuse@alpha.example", message.To.Mailboxes.Single().Address);
        Assert.Equal("casework@hotline.example", message.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal($"Removal request {notice.Id}: 12 item(s) of child sexual abuse material on your service", message.Subject);
        Assert.Empty(message.Attachments);
        var body = message.TextBody ?? throw new InvalidOperationException("no text body");
        foreach (var url in urls)
        {
            Assert.Contains($"- URL: {url}\n", body.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains(NoticesDb.Sha(url), body, StringComparison.Ordinal);
        }
        Assert.Contains("Seen: 2026-12-01T09:11:00Z", body, StringComparison.Ordinal);
        Assert.Contains("Example Hotline", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_delivery_leaves_the_notice_queued_with_the_reason()
    {
        await using var smtp = new SmtpTestServer { RefuseRecipients = "550 5.1.1 mailbox unavailable" };
        await using var db = await NoticesDb.CreateAsync(false);
        var store = new NoticeStore(db.Db, new FakeTimeProvider(NoticeFlowTests.Start));
        await db.AddSightingAsync("http://img.alpha.test/1.jpg", NoticeFlowTests.Start, "203.0.113.10", NoticesDb.Sha("1"));
        await store.CollectAsync(NoticeFlowTests.Contacts());
        var notice = Assert.Single(await store.ListAsync());
        var mailer = new SmtpMailer(new SmtpSettings { Host = "127.0.0.1", Port = smtp.Port, Security = SmtpSecurity.None, From = "n@hotline.example" });
        var outcome = await new NoticeDispatcher(store, mailer, NoticeTemplate.DefaultNotice, NoticeTemplate.DefaultEscalation, "H", TimeSpan.FromHours(1)).SendAsync(notice.Id);
        Assert.False(outcome.Mailed);
        Assert.Contains("mailbox unavailable", outcome.QueuedBecause, StringComparison.Ordinal);
        var stored = (await store.GetAsync(notice.Id))!;
        Assert.Equal(NoticeStates.Queued, stored.State);
        Assert.Contains("mailbox unavailable", stored.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_password_comes_from_an_environment_variable_or_a_file_never_both()
    {
        Environment.SetEnvironmentVariable("SAFEGUARD_TEST_SMTP_PASSWORD", "from-env");
        Assert.Equal("from-env", SmtpSettings.ReadPassword("SAFEGUARD_TEST_SMTP_PASSWORD", null));
        Assert.Throws<ArgumentException>(() => SmtpSettings.ReadPassword("SAFEGUARD_TEST_SMTP_PASSWORD", "/x"));
        Assert.Throws<ArgumentException>(() => SmtpSettings.ReadPassword("SAFEGUARD_TEST_UNSET_VARIABLE_X", null));
        Assert.Null(SmtpSettings.ReadPassword(null, null));
    }
}
