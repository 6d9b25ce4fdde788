using System.Net;
using System.Net.Http.Json;
using Safeguard.Server.Media;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>IPv6 forms that carry an IPv4 address inside are refused like the address they carry.</summary>
public sealed class SsrfAddressTests
{
    [Theory]
    [InlineData("::127.0.0.1")]        // IPv4-compatible (deprecated): ::/96
    [InlineData("::10.0.0.1")]
    [InlineData("::8.8.8.8")]          // the whole ::/96 is refused, whatever it embeds
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]   // IPv4-mapped
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:0:127.0.0.1")] // IPv4-translated (RFC 2765)
    [InlineData("64:ff9b::7f00:1")]    // NAT64 well-known prefix, 127.0.0.1
    [InlineData("64:ff9b::a00:1")]     // NAT64, 10.0.0.1
    [InlineData("64:ff9b:1::a00:1")]   // NAT64 local-use prefix
    [InlineData("2002:7f00:1::")]      // 6to4 of 127.0.0.1
    [InlineData("2002:a00:1::1")]      // 6to4 of 10.0.0.1
    [InlineData("2001:0:4136:e378::1")] // Teredo
    [InlineData("100::1")]             // discard-only
    [InlineData("2001:db8::1")]        // documentation
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    public void Embedded_private_and_reserved_addresses_are_not_public(string address)
    {
        Assert.False(SafeFetcher.IsPublic(IPAddress.Parse(address)), address);
        using var fetcher = new SafeFetcher(new ServerOptions());
        Assert.False(fetcher.IsAllowed(IPAddress.Parse(address)), address);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:82b::200e")]
    public void Public_addresses_stay_allowed(string address) => Assert.True(SafeFetcher.IsPublic(IPAddress.Parse(address)), address);

    [Fact]
    public async Task Url_with_an_ipv4_compatible_loopback_literal_is_refused_with_403()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var hasher = await h.ClientAsync("hasher");
        int port = new Uri(h.BaseUrl).Port;
        foreach (var url in new[] { $"http://[::127.0.0.1]:{port}/v1/health/live", $"http://[::ffff:0:127.0.0.1]:{port}/", $"http://[64:ff9b::7f00:1]:{port}/" })
        {
            var r = await hasher.PostAsJsonAsync("/v1/hash/url", new { url });
            Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{url}: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            Assert.Contains("refused", (await Json(r)).GetProperty("error").GetString());
        }
    }
}
