using System.Net;
using System.Net.Sockets;

namespace Safeguard.TestSupport;

public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (the system picks it; another process may still take it).</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
