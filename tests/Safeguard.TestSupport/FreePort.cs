using System.Net;
using System.Net.Sockets;

namespace Safeguard.TestSupport;

public static class FreePort
{
    // Below Linux's ephemeral range (32768–60999), so the many outgoing connections of tests running
    // alongside never take a port between the moment it is picked and the moment a server binds it.
    private const int First = 20_000, End = 32_000;

    /// <summary>A loopback port that was free a moment ago, outside the range the system gives outgoing connections.</summary>
    public static int Next()
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int port = Random.Shared.Next(First, End);
            var listener = new TcpListener(IPAddress.Loopback, port);
            try
            {
                listener.Start();
                return port;
            }
            catch (SocketException) { } // taken: try another
            finally { listener.Stop(); }
        }
        throw new InvalidOperationException($"no free loopback port in {First}..{End}");
    }
}
