using System.Security.Cryptography;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Media;
using Safeguard.Crawl.Tests.Site;
using Safeguard.Engine.Media;
using Safeguard.Hashing.Files;

namespace Safeguard.Crawl.Tests;

/// <summary>The re-check probe: present while served, gone after removal, error when unreachable for now.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed by xunit through IAsyncLifetime.DisposeAsync.")]
public sealed class ProbeTests : IAsyncLifetime
{
    private readonly TestSite _site = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-crawl-probe-").FullName;

    public Task InitializeAsync() => Task.Run(_site.StartAsync); // off the test framework's synchronisation context

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Probe_sees_present_then_gone_after_removal()
    {
        var matcher = await SiteBanks.CreateAsync(_dir);
        using var fetcher = new CrawlFetcher(Harness.Fetch());
        using var media = new MediaMatching(matcher, new FileHashOptions(), MediaHasher.FastVideo);
        var probe = new MediaProbe(fetcher, media);
        var url = _site.Url("/img/removable.jpg");
        var file = TestData.PdqFile(TestSite.Images["/img/removable.jpg"]);

        var present = await probe.ProbeAsync(url, default);
        Assert.Equal(ProbeStatus.Present, present.Status);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), present.Sha256);
        Assert.Equal(SiteBanks.ReferencePdq(TestSite.Images["/img/removable.jpg"]), present.Pdq);

        _site.RemovableGone = true;
        var gone = await probe.ProbeAsync(url, default);
        Assert.Equal(ProbeStatus.Gone, gone.Status);
        Assert.Equal(404, gone.HttpStatus);

        // Served, but other media that matches nothing: gone as far as the notice is concerned.
        var replaced = await probe.ProbeAsync(_site.Url("/img/wee.jpg"), default);
        Assert.Equal(ProbeStatus.Gone, replaced.Status);
        Assert.NotNull(replaced.Sha256);

        using var impatient = new CrawlFetcher(Harness.Fetch() with { Timeout = TimeSpan.FromMilliseconds(500) });
        var slow = await new MediaProbe(impatient, media).ProbeAsync(_site.Url("/slow"), default);
        Assert.Equal(ProbeStatus.Error, slow.Status);

        int closedPort = FreePort.Next();
        var refused = await probe.ProbeAsync(new Uri($"http://127.0.0.1:{closedPort}/x.jpg"), default);
        Assert.Equal(ProbeStatus.Gone, refused.Status);
    }
}
