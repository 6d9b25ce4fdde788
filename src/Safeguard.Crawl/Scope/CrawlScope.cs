using System.Text.RegularExpressions;
using Safeguard.Crawl.Fetching;

namespace Safeguard.Crawl.Scope;

/// <summary>Which pages a crawl follows. Media named by an in-scope page is always fetched (that is what is matched).</summary>
public sealed record CrawlScope
{
    /// <summary>Hosts (host or host:port) whose pages are followed; empty: the seeds' hosts.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Follow links to any host (bounded by depth and the page caps).</summary>
    public bool AnyHost { get; init; }

    /// <summary>A page URL must match one of these (when any is given).</summary>
    public IReadOnlyList<Regex> Include { get; init; } = [];

    /// <summary>A page or media URL matching one of these is never fetched.</summary>
    public IReadOnlyList<Regex> Exclude { get; init; } = [];

    /// <summary>Links followed from a seed (0: the seeds only).</summary>
    public int MaxDepth { get; init; } = 3;

    /// <summary>Pages fetched in all (media not counted).</summary>
    public long MaxPages { get; init; } = 10_000;

    /// <summary>Pages fetched from one host: a calendar-style link farm stops here.</summary>
    public long MaxPagesPerHost { get; init; } = 2_000;

    public bool IgnoreRobots { get; init; }

    public static Regex Pattern(string text) => new(text, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));

    /// <summary>Why a page link is not followed (null: follow it).</summary>
    public string? RefusePage(Uri url, int depth, IReadOnlySet<string> seedHosts)
    {
        if (depth > MaxDepth) return $"depth {depth} is over --max-depth {MaxDepth}";
        var host = CrawlUrl.HostKey(url);
        if (!AnyHost && !(Hosts.Count > 0 ? Hosts.Contains(host, StringComparer.OrdinalIgnoreCase) || Hosts.Contains(url.IdnHost, StringComparer.OrdinalIgnoreCase) : seedHosts.Contains(host)))
            return $"host {host} is out of scope";
        if (Include.Count > 0 && !Include.Any(r => Matches(r, url))) return "matches no --include pattern";
        return RefuseAny(url);
    }

    /// <summary>Why any URL (page or media) is not fetched (null: fetch it).</summary>
    public string? RefuseAny(Uri url) => Exclude.FirstOrDefault(r => Matches(r, url)) is { } r ? $"matches --exclude {r}" : null;

    private static bool Matches(Regex r, Uri url)
    {
        try { return r.IsMatch(url.AbsoluteUri); }
        catch (RegexMatchTimeoutException) { return false; }
    }
}
