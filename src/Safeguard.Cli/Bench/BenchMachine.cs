using System.Globalization;

namespace Safeguard.Cli.Bench;

/// <summary>What a benchmark says about the machine it ran on.</summary>
public static class BenchMachine
{
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return "unknown CPU"; }
    }

    /// <summary>The one-minute load average (NaN where /proc is missing): how busy the machine was.</summary>
    public static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException) { return double.NaN; }
    }

    /// <summary>A loopback port the system just gave out, for a server the bench starts.</summary>
    public static int FreeLoopbackPort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
