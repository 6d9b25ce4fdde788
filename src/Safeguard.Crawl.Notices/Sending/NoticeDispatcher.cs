using System.Net.Sockets;
using Safeguard.Crawl.Notices.Rendering;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Sending;

/// <summary>What became of a send: mailed, or queued for a person (with why).</summary>
public sealed record SendOutcome(Notice Notice, RenderedEmail Email, bool Mailed, string? QueuedBecause);

/// <summary>
/// Renders a notice and mails it when SMTP is configured and the provider has an address;
/// otherwise (or when mailing fails) queues it for a person, who sends it and runs mark-sent.
/// </summary>
public sealed class NoticeDispatcher(NoticeStore store, IMailSender? mail, NoticeTemplate noticeTemplate, NoticeTemplate escalationTemplate,
    string sender, TimeSpan firstCheckAfter)
{
    public NoticeStore Store => store;

    public async Task<RenderedEmail> RenderAsync(Notice notice, CancellationToken ct = default)
    {
        var items = await store.ItemsAsync(notice, ct);
        return (notice.Kind == NoticeKinds.Escalation ? escalationTemplate : noticeTemplate).Render(notice, items, sender);
    }

    /// <summary>The address a notice goes to: the abuse email, or for an escalation the escalation email (else the abuse email).</summary>
    public static string? Recipient(Notice notice) =>
        notice.Kind == NoticeKinds.Escalation ? notice.Provider.EscalationEmail ?? notice.Provider.AbuseEmail : notice.Provider.AbuseEmail;

    public async Task<SendOutcome> SendAsync(long id, CancellationToken ct = default)
    {
        var notice = await store.GetAsync(id, ct) ?? throw new KeyNotFoundException($"no notice {id}");
        if (notice.State is not (NoticeStates.Open or NoticeStates.Queued))
            throw new InvalidOperationException($"notice {id} is already {notice.State}");
        var email = await RenderAsync(notice, ct);
        var to = Recipient(notice);
        string? reason = null;
        if (mail is null) reason = "no SMTP server configured";
        else if (to is null) reason = $"provider '{notice.Provider.Name}' has no email address" + (notice.Provider.WebForm is { } form ? $"; use its web form {form}" : "");
        else
        {
            try
            {
                await mail.SendAsync(to, email, ct);
                var sent = await store.MarkSentAsync(id, "smtp", to, email.Subject, email.Body, firstCheckAfter, ct);
                return new SendOutcome(sent, email, true, null);
            }
            catch (Exception ex) when (ex is IOException or SocketException or MailKit.ProtocolException or MailKit.CommandException
                or MailKit.ServiceNotConnectedException or MailKit.Security.AuthenticationException or System.Security.Authentication.AuthenticationException
                or TimeoutException or FormatException or MimeKit.ParseException)
            {
                reason = $"mailing through {mail.Describe} failed: {ex.Message}";
                await store.RecordErrorAsync(id, reason, ct);
            }
        }
        await store.MarkQueuedAsync(id, email.Subject, email.Body, reason, ct);
        return new SendOutcome((await store.GetAsync(id, ct))!, email, false, reason);
    }

    /// <summary>Records that a person sent a notice (by mail or web form) outside Safeguard.</summary>
    public async Task<Notice> MarkSentManuallyAsync(long id, string? to, CancellationToken ct = default)
    {
        var notice = await store.GetAsync(id, ct) ?? throw new KeyNotFoundException($"no notice {id}");
        var email = await RenderAsync(notice, ct);
        return await store.MarkSentAsync(id, "manual", to ?? Recipient(notice) ?? notice.Provider.WebForm, email.Subject, email.Body, firstCheckAfter, ct);
    }
}
