using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace Safeguard.Crawl.Extraction;

/// <summary>The links and media URLs a page names, and the ones refused before parsing (text, reason).</summary>
public sealed record PageLinks(IReadOnlyList<Uri> Pages, IReadOnlyList<Uri> Media, IReadOnlyList<(string Url, string Reason)> Refused);

/// <summary>
/// Reads links and media URLs out of HTML with AngleSharp's HTML5 parser (scripts are never run):
/// a href; img src and srcset; video, audio and source src; video poster; a href to a media file
/// extension; CSS url(...) in style attributes and style elements; og:image and og:video; base href.
/// </summary>
public static partial class LinkExtractor
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    private static readonly HashSet<string> MediaExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".avif", ".heic", ".tif", ".tiff",
        ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi", ".wmv", ".flv", ".3gp", ".mpg", ".mpeg", ".ts",
    };

    [GeneratedRegex(@"url\(\s*(['""]?)(?<u>[^'"")]+)\1\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CssUrl();

    /// <summary>Most URLs taken from one page (a page listing more is cut here; farms stay bounded).</summary>
    public const int MaxUrlsPerPage = 5000;

    public static PageLinks Extract(string html, Uri pageUrl)
    {
        using var doc = Parser.ParseDocument(html);
        var baseUrl = pageUrl;
        if (doc.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref && Uri.TryCreate(pageUrl, baseHref.Trim(), out var b)
            && b.Scheme is "http" or "https")
            baseUrl = b;
        var pages = new List<Uri>();
        var media = new List<Uri>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var refused = new List<(string, string)>();

        void Add(List<Uri> into, string? raw)
        {
            if (string.IsNullOrWhiteSpace(raw) || seen.Count >= MaxUrlsPerPage) return;
            raw = raw.Trim();
            if (raw.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)
                || raw.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || raw.StartsWith('#')) return;
            if (raw.Length > Fetching.CrawlUrl.MaxLength)
            {
                refused.Add((raw, $"URL is {raw.Length:N0} characters, over the {Fetching.CrawlUrl.MaxLength:N0} limit"));
                return;
            }
            if (!Uri.TryCreate(baseUrl, raw, out var abs)) { refused.Add((raw, "not a valid URL")); return; }
            if (abs.Fragment.Length > 0) abs = new UriBuilder(abs) { Fragment = "" }.Uri;
            if (seen.Add((ReferenceEquals(into, media) ? "m " : "p ") + abs.AbsoluteUri)) into.Add(abs);
        }

        foreach (var a in doc.QuerySelectorAll("a[href], area[href]"))
        {
            var href = a.GetAttribute("href");
            Add(LooksLikeMedia(href) ? media : pages, href);
        }
        foreach (var img in doc.QuerySelectorAll("img"))
        {
            Add(media, img.GetAttribute("src"));
            AddSrcset(img.GetAttribute("srcset"));
            Add(media, img.GetAttribute("data-src")); // lazy loading without script
        }
        foreach (var s in doc.QuerySelectorAll("picture source[srcset]")) AddSrcset(s.GetAttribute("srcset"));
        foreach (var v in doc.QuerySelectorAll("video, audio, source, embed"))
        {
            Add(media, v.GetAttribute("src"));
            Add(media, v.GetAttribute("poster"));
        }
        foreach (var m in doc.QuerySelectorAll("meta[property], meta[name]"))
        {
            var p = (m.GetAttribute("property") ?? m.GetAttribute("name"))?.ToLowerInvariant();
            if (p is "og:image" or "og:image:url" or "og:image:secure_url" or "og:video" or "og:video:url" or "og:video:secure_url" or "twitter:image")
                Add(media, m.GetAttribute("content"));
        }
        foreach (var f in doc.QuerySelectorAll("iframe[src], frame[src]")) Add(pages, f.GetAttribute("src"));
        foreach (var e in doc.QuerySelectorAll("[style]")) AddCss(e.GetAttribute("style"));
        foreach (var s in doc.QuerySelectorAll("style")) AddCss(s.TextContent);
        return new PageLinks(pages, media, refused);

        void AddSrcset(string? srcset)
        {
            if (string.IsNullOrWhiteSpace(srcset)) return;
            foreach (var candidate in srcset.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Add(media, candidate.Split(' ', 2)[0]);
        }

        void AddCss(string? css)
        {
            if (string.IsNullOrEmpty(css)) return;
            try
            {
                foreach (Match m in CssUrl().Matches(css)) Add(media, m.Groups["u"].Value);
            }
            catch (RegexMatchTimeoutException) { } // hostile CSS: the URLs found so far are kept
        }
    }

    private static bool LooksLikeMedia(string? href)
    {
        if (href is null) return false;
        int end = href.IndexOfAny(['?', '#']);
        var path = end < 0 ? href : href[..end];
        return MediaExtensions.Contains(Path.GetExtension(path));
    }
}
