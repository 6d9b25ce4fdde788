using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Safeguard.Exchanges.Tests;

/// <summary>
/// A bare HTTP/1.1 server on 127.0.0.1 that answers every request with a 1 GB text body, with or
/// without a Content-Length (chunked). It counts what the kernel accepted: Kestrel quietly drops
/// writes once the client hangs up, so a Kestrel handler cannot tell a cut-short download from a
/// whole one.
/// </summary>
public sealed class HugeAnswerServer : IAsyncDisposable
{
    public const long Size = 1L << 30;
    private static readonly byte[] Filler = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef0123456789abcdef\n", 2048)));
    private static readonly byte[] ChunkHead = Encoding.ASCII.GetBytes($"{Filler.Length:x}\r\n");
    private static readonly byte[] ChunkEnd = "\r\n"u8.ToArray();
    private readonly TcpListener _listener;
    private readonly bool _declared;
    private readonly Task _accepting;
    private long _bytesSent;

    public int Port { get; }
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    private HugeAnswerServer(bool declared)
    {
        _declared = declared;
        Port = FreePort.Next();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static HugeAnswerServer Start(bool declaredLength) => new(declaredLength);

    private async Task AcceptAsync()
    {
        try
        {
            while (true) _ = ServeAsync(await _listener.AcceptTcpClientAsync());
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { } // stopped
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            await ReadRequestHeadAsync(stream);
            var head = _declared
                ? $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {Size}\r\nConnection: close\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            for (long sent = 0; sent < Size; sent += Filler.Length)
            {
                if (!_declared) await stream.WriteAsync(ChunkHead);
                await stream.WriteAsync(Filler);
                if (!_declared) await stream.WriteAsync(ChunkEnd);
                Interlocked.Add(ref _bytesSent, Filler.Length);
            }
            if (!_declared) await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException) { } // the client hung up
    }

    private static async Task ReadRequestHeadAsync(NetworkStream stream)
    {
        var seen = new List<byte>();
        var one = new byte[1];
        while (seen.Count < 64 * 1024 && await stream.ReadAsync(one) == 1)
        {
            seen.Add(one[0]);
            if (seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n') return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
    }
}
