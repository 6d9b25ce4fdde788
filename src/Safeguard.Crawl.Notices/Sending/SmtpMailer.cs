using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Safeguard.Crawl.Notices.Rendering;

namespace Safeguard.Crawl.Notices.Sending;

/// <summary>Sends one email; the notice dispatcher's only door to the outside.</summary>
public interface IMailSender
{
    /// <summary>Where mail goes, for messages (no secrets).</summary>
    string Describe { get; }

    Task SendAsync(string to, RenderedEmail email, CancellationToken ct);
}

/// <summary>Plain-text email over SMTP with MailKit, one connection per message (notices are few).</summary>
public sealed class SmtpMailer(SmtpSettings settings) : IMailSender
{
    public string Describe => settings.ToString();

    public async Task SendAsync(string to, RenderedEmail email, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(to));
        if (settings.ReplyTo is { } replyTo) message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        message.Subject = email.Subject;
        message.Body = new TextPart("plain") { Text = email.Body };

        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        var security = settings.Security switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(settings.Host, settings.Port, security, ct);
        if (settings.User is { } user) await client.AuthenticateAsync(user, settings.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
