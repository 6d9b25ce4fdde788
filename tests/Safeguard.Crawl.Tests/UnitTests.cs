using System.Text;
using Safeguard.Crawl.Extraction;
using Safeguard.Crawl.Fetching;
using Safeguard.Crawl.Robots;

namespace Safeguard.Crawl.Tests;

public sealed class RobotsTxtTests
{
    [Fact]
    public void Longest_match_wins_and_our_group_beats_the_star_group()
    {
        var robots = RobotsTxt.Parse("""
            User-agent: *
            Disallow: /

            User-agent: Safeguard-Crawler
            Disallow: /private/
            Allow: /private/public/
            Disallow: /*.pdf$
            Crawl-delay: 2.5
            """);
        Assert.True(robots.Allows("/index.html"));
        Assert.False(robots.Allows("/private/x"));
        Assert.True(robots.Allows("/private/public/x"));
        Assert.False(robots.Allows("/docs/a.pdf"));
        Assert.True(robots.Allows("/docs/a.pdf?download=1"));
        Assert.Equal(TimeSpan.FromSeconds(2.5), robots.CrawlDelay);
    }

    [Fact]
    public void Star_group_applies_when_ours_is_absent_and_ties_go_to_allow()
    {
        var robots = RobotsTxt.Parse("User-agent: OtherBot\nDisallow: /\n\nUser-agent: *\nDisallow: /a\nAllow: /a\n");
        Assert.True(robots.Allows("/a/b"));
        Assert.True(robots.Allows("/b"));
        Assert.True(RobotsTxt.Parse("garbage\n\0\0: :\nDisallow: /x").Allows("/x")); // rules outside a group are ignored
    }
}

public sealed class CrawlUrlTests
{
    [Theory]
    [InlineData("HTTP://Example.COM:80/a/b?z=1&a=2#frag", "http://example.com/a/b?z=1&a=2")]
    [InlineData("https://example.com:443/", "https://example.com/")]
    [InlineData("http://example.com:8080/x", "http://example.com:8080/x")]
    [InlineData("http://bücher.example/", "http://xn--bcher-kva.example/")]
    public void Normalises(string input, string expected) => Assert.Equal(expected, CrawlUrl.Normalize(input, out _)?.AbsoluteUri);

    [Theory]
    [InlineData("http://user:pw@example.com/", "credentials")]
    [InlineData("file:///etc/passwd", "scheme 'file'")]
    [InlineData("gopher://example.com/", "scheme 'gopher'")]
    [InlineData("not a url", "absolute")]
    public void Refuses_hostile_urls(string input, string reason)
    {
        Assert.Null(CrawlUrl.Normalize(input, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_urls_over_8_kb()
    {
        Assert.Null(CrawlUrl.Normalize("http://example.com/?" + new string('a', 9000), out var why));
        Assert.Contains("limit", why, StringComparison.Ordinal);
        Assert.NotNull(CrawlUrl.Normalize("http://example.com/?" + new string('a', 8000), out _));
    }

    [Fact]
    public void Homograph_hosts_are_kept_as_punycode_and_flagged()
    {
        var url = CrawlUrl.Normalize("http://аpple.com/", out _)!; // Cyrillic а
        Assert.StartsWith("xn--", url.Host, StringComparison.Ordinal);
        Assert.True(CrawlUrl.IsInternationalHost(url));
        Assert.False(CrawlUrl.IsInternationalHost(new Uri("http://apple.com/")));
    }
}

public sealed class LinkExtractorTests
{
    [Fact]
    public void Finds_every_kind_of_media_reference_and_resolves_against_base()
    {
        var html = """
            <html><head><base href="http://cdn.example/base/">
            <meta property="og:image" content="og.jpg"><meta property="og:video" content="/v.mp4">
            <style>div { background: url( 'css1.png' ) } p{background-image:url(css2.gif)}</style></head>
            <body>
            <a href="page.html#top">p</a><a href="pic.JPEG?x=1">direct</a><a href="#only-fragment">f</a><a href="javascript:void(0)">j</a>
            <img src="a.jpg" srcset="b.jpg 1x, c.jpg 2x"><picture><source srcset="d.webp 100w"></picture>
            <video src="e.mp4" poster="poster.png"><source src="f.webm"></video>
            <div style="background-image: url(&quot;g.png&quot;)"></div>
            <img src="data:image/png;base64,AAAA"><script>document.write('<img src=evil.jpg>')</script>
            </body></html>
            """;
        var links = LinkExtractor.Extract(html, new Uri("http://site.example/dir/index.html"));
        var media = links.Media.Select(u => u.AbsoluteUri).ToHashSet();
        foreach (var name in new[] { "og.jpg", "css1.png", "css2.gif", "pic.JPEG?x=1", "a.jpg", "b.jpg", "c.jpg", "d.webp", "e.mp4", "poster.png", "f.webm", "g.png" })
            Assert.Contains("http://cdn.example/base/" + name, media);
        Assert.Contains("http://cdn.example/v.mp4", media);
        Assert.DoesNotContain(media, m => m.Contains("evil", StringComparison.Ordinal)); // no script runs
        // A fragment-only link is this page again; javascript: is never followed.
        Assert.Equal(["http://cdn.example/base/page.html"], links.Pages.Select(u => u.AbsoluteUri).ToArray());
    }

    [Fact]
    public void Malformed_and_huge_html_stay_bounded()
    {
        var sb = new StringBuilder("<html><body><div><table><tr><td><p><b><i>");
        for (int i = 0; i < 20_000; i++) sb.Append("<a href=\"/p").Append(i).Append("\">x<img src=\"/i").Append(i).Append(".jpg\"");
        var links = LinkExtractor.Extract(sb.ToString(), new Uri("http://site.example/"));
        Assert.True(links.Pages.Count + links.Media.Count <= LinkExtractor.MaxUrlsPerPage);
        Assert.NotEmpty(links.Pages);
    }
}

public sealed class SniffTests
{
    [Fact]
    public void Magic_bytes_beat_the_content_type()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0];
        Assert.Equal(BodyKind.Image, CrawlFetcher.Sniff(jpeg, "text/html"));
        Assert.Equal(BodyKind.Html, CrawlFetcher.Sniff("  <!DOCTYPE html><html>"u8, "image/jpeg"));
        Assert.Equal(BodyKind.Html, CrawlFetcher.Sniff("hello"u8, "text/html"));
        Assert.Equal(BodyKind.Other, CrawlFetcher.Sniff("hello"u8, "application/octet-stream"));
    }
}
