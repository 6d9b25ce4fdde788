using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>
/// A small SMTP server on 127.0.0.1 speaking enough of RFC 5321 (EHLO, AUTH PLAIN, MAIL, RCPT,
/// DATA with dot-unstuffing, RSET, NOOP, QUIT) for a real client to deliver to it; keeps what it receives.
/// </summary>
internal sealed class SmtpTestServer : IAsyncDisposable
{
    public sealed record Received(string MailFrom, List<string> Recipients, string Data, string? AuthPlain);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public List<Received> Messages { get; } = [];
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>When set, every RCPT is refused with this reply (to test failed deliveries).</summary>
    public string? RefuseRecipients { get; set; }

    public SmtpTestServer()
    {
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.UTF8);
        var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 127.0.0.1 test SMTP ready");
        string? from = null, auth = null;
        var rcpt = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var upper = line.ToUpperInvariant();
                if (upper.StartsWith("EHLO", StringComparison.Ordinal))
                    await writer.WriteAsync("250-127.0.0.1\r\n250-AUTH PLAIN\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
                else if (upper.StartsWith("HELO", StringComparison.Ordinal)) await writer.WriteLineAsync("250 127.0.0.1");
                else if (upper.StartsWith("AUTH PLAIN", StringComparison.Ordinal))
                {
                    var arg = line.Length > 11 ? line[11..].Trim() : "";
                    if (arg.Length == 0) { await writer.WriteLineAsync("334 "); arg = (await reader.ReadLineAsync(_stop.Token))!.Trim(); }
                    auth = Encoding.UTF8.GetString(Convert.FromBase64String(arg));
                    await writer.WriteLineAsync("235 2.7.0 authenticated");
                }
                else if (upper.StartsWith("MAIL FROM:", StringComparison.Ordinal)) { from = line[10..].Trim(); from = from[..(from.IndexOf('>', StringComparison.Ordinal) + 1)]; rcpt.Clear(); await writer.WriteLineAsync("250 ok"); }
                else if (upper.StartsWith("RCPT TO:", StringComparison.Ordinal))
                {
                    if (RefuseRecipients is { } refusal) { await writer.WriteLineAsync(refusal); continue; }
                    rcpt.Add(line[8..].Trim());
                    await writer.WriteLineAsync("250 ok");
                }
                else if (upper == "DATA")
                {
                    await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(_stop.Token) is { } d && d != ".")
                        data.Append(d.StartsWith('.') ? d[1..] : d).Append("\r\n");
                    lock (Messages) Messages.Add(new Received(from ?? "", [.. rcpt], data.ToString(), auth));
                    await writer.WriteLineAsync("250 queued");
                }
                else if (upper is "RSET" or "NOOP") await writer.WriteLineAsync("250 ok");
                else if (upper == "QUIT") { await writer.WriteLineAsync("221 bye"); return; }
                else await writer.WriteLineAsync("502 not implemented");
            }
        }
        catch (IOException) { }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
