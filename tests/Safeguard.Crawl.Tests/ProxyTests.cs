using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Tests.Site;

namespace Safeguard.Crawl.Tests;

/// <summary>Crawling through a real SOCKS5 proxy process (microsocks), and what .NET's SOCKS5 client sends for socks5h.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by xunit through IAsyncLifetime.DisposeAsync.")]
public sealed class ProxyTests : IAsyncLifetime
{
    private readonly TestSite _site = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-crawl-proxy-").FullName;

    public Task InitializeAsync() => Task.Run(_site.StartAsync); // off the test framework's synchronisation context

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>microsocks' path; skips without it, fails under CI (scripts/ensure-deps.sh installs it).</summary>
    private static string Microsocks()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "microsocks")).FirstOrDefault(File.Exists);
        if (path is null)
        {
            if (Postgres.UnderCi) throw new InvalidOperationException("microsocks is not installed: the proxy tests must run under CI (scripts/ensure-deps.sh)");
            Skip.If(true, "microsocks is not installed (scripts/ensure-deps.sh)");
        }
        return path!;
    }

    [SkippableFact]
    public async Task Crawl_through_microsocks_reaches_the_site_only_through_the_proxy()
    {
        var microsocks = Microsocks();
        int port = FreePort.Next();
        // -b: the proxy's outgoing connections leave from 127.0.0.2, so the site sees who connected.
        var psi = new ProcessStartInfo(microsocks) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", "127.0.0.2" }) psi.ArgumentList.Add(a);
        using var proxy = Process.Start(psi)!;
        try
        {
            await WaitListeningAsync(port);
            var matcher = await SiteBanks.CreateAsync(_dir);
            await using var frontier = await SqlFrontier.OpenAsync(Path.Combine(_dir, "crawl.db"));
            var scope = new Scope.CrawlScope { MaxDepth = 1, MaxPagesPerHost = 10 };
            await Harness.RunAsync(frontier, matcher, [_site.Root.AbsoluteUri], Harness.Options(scope), Harness.Fetch(new Uri($"socks5h://127.0.0.1:{port}")));

            var sightings = await frontier.SightingsAsync(null, default);
            Assert.Contains(sightings, s => s.Url == _site.Url("/img/bridge.jpg").AbsoluteUri && s.Pdq == SiteBanks.ReferencePdq("bridge-mods/aaa-orig.jpg"));
            Assert.All(sightings, s => Assert.Null(s.ServerIp)); // the proxy connected, not us
            Assert.NotEmpty(_site.RemoteAddresses);
            Assert.All(_site.RemoteAddresses, a => Assert.Equal("127.0.0.2", a));
        }
        finally
        {
            proxy.Kill();
            await proxy.WaitForExitAsync();
        }
    }

    [SkippableFact]
    public async Task Proxy_does_not_bypass_the_address_policy()
    {
        var microsocks = Microsocks();
        int port = FreePort.Next();
        var psi = new ProcessStartInfo(microsocks) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-i", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        using var proxy = Process.Start(psi)!;
        try
        {
            await WaitListeningAsync(port);
            // The proxy itself is on loopback (configured by the operator); the target is not allowed.
            using var fetcher = new CrawlFetcher(new FetchOptions { Proxy = new Uri($"socks5://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(3) });
            var result = await fetcher.FetchAsync(_site.Root, default);
            Assert.Equal("refused_address", result.Problem?.Kind);
            var local = await fetcher.FetchAsync(new Uri($"http://localhost:{_site.Port}/"), default);
            Assert.Equal("refused_address", local.Problem?.Kind);
            Assert.Empty(_site.Requests);
        }
        finally
        {
            proxy.Kill();
            await proxy.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Socks5h_sends_the_host_name_to_the_proxy_for_it_to_resolve()
    {
        // A minimal SOCKS5 listener that records the CONNECT request's address and refuses it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var seen = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var s = client.GetStream();
            var buf = new byte[512];
            await s.ReadExactlyAsync(buf.AsMemory(0, 2));
            await s.ReadExactlyAsync(buf.AsMemory(0, buf[1]));
            await s.WriteAsync(new byte[] { 5, 0 }); // no authentication
            await s.ReadExactlyAsync(buf.AsMemory(0, 4)); // VER CMD RSV ATYP
            byte atyp = buf[3];
            string address;
            if (atyp == 3)
            {
                await s.ReadExactlyAsync(buf.AsMemory(0, 1));
                int n = buf[0];
                await s.ReadExactlyAsync(buf.AsMemory(0, n));
                address = Encoding.ASCII.GetString(buf, 0, n);
            }
            else address = $"atyp {atyp}";
            await s.WriteAsync(new byte[] { 5, 4, 0, 1, 0, 0, 0, 0, 0, 0 }); // host unreachable
            return (atyp, address);
        });
        using var fetcher = new CrawlFetcher(new FetchOptions { Proxy = new Uri($"socks5h://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) });
        var result = await fetcher.FetchAsync(new Uri("http://exampleonionaddressxyz.onion/page"), default);
        Assert.NotNull(result.Problem);
        var (type, name) = await seen.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, type); // DOMAINNAME: resolved by the proxy, never by us
        Assert.Equal("exampleonionaddressxyz.onion", name);
    }

    private static async Task WaitListeningAsync(int port)
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) { await Task.Delay(50); }
        }
        throw new InvalidOperationException($"microsocks did not listen on {port}");
    }
}
