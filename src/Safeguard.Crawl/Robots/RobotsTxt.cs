namespace Safeguard.Crawl.Robots;

/// <summary>
/// One host's robots.txt (RFC 9309): the group for our user agent, else the * group; the longest
/// matching Allow or Disallow rule wins, Allow on a tie; * and $ in paths; Crawl-delay read.
/// </summary>
public sealed class RobotsTxt
{
    public const string UserAgentToken = "safeguard-crawler";

    private readonly List<(string Pattern, bool Allow)> _rules;

    public TimeSpan? CrawlDelay { get; }

    public static RobotsTxt AllowAll { get; } = new([], null);

    private RobotsTxt(List<(string, bool)> rules, TimeSpan? delay)
    {
        _rules = rules;
        CrawlDelay = delay;
    }

    private sealed class Group
    {
        public readonly List<string> Agents = [];
        public readonly List<(string, bool)> Rules = [];
        public TimeSpan? Delay;
    }

    public static RobotsTxt Parse(string text)
    {
        var groups = new List<Group>();
        Group? current = null;
        bool lastWasAgent = false;
        int lines = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            if (++lines > 10_000) break; // a hostile file: the first part is enough
            var line = rawLine;
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (key == "user-agent")
            {
                if (!lastWasAgent || current is null)
                {
                    current = new Group();
                    groups.Add(current);
                }
                current.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }
            lastWasAgent = false;
            if (current is null) continue;
            switch (key)
            {
                case "allow": if (value.Length > 0) current.Rules.Add((value, true)); break;
                case "disallow": if (value.Length > 0) current.Rules.Add((value, false)); break;
                case "crawl-delay":
                    if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0)
                        current.Delay = TimeSpan.FromSeconds(Math.Min(s, 60));
                    break;
            }
        }
        var mine = groups.Where(g => g.Agents.Any(a => a != "*" && UserAgentToken.StartsWith(a, StringComparison.Ordinal))).ToList();
        if (mine.Count == 0) mine = groups.Where(g => g.Agents.Contains("*")).ToList();
        var rules = mine.SelectMany(g => g.Rules).ToList();
        var delay = mine.Select(g => g.Delay).FirstOrDefault(d => d is not null);
        return new RobotsTxt(rules, delay);
    }

    /// <summary>Whether <paramref name="pathAndQuery"/> may be fetched.</summary>
    public bool Allows(string pathAndQuery)
    {
        int best = -1;
        bool allow = true;
        foreach (var (pattern, isAllow) in _rules)
        {
            if (!Matches(pattern, pathAndQuery)) continue;
            if (pattern.Length > best || (pattern.Length == best && isAllow))
            {
                best = pattern.Length;
                allow = isAllow;
            }
        }
        return allow;
    }

    /// <summary>Prefix match with * (any run) and a final $ (end of path).</summary>
    internal static bool Matches(string pattern, string path)
    {
        bool anchored = pattern.EndsWith('$');
        if (anchored) pattern = pattern[..^1];
        if (!pattern.Contains('*')) return anchored ? path == pattern : path.StartsWith(pattern, StringComparison.Ordinal);
        var parts = pattern.Split('*');
        if (!path.StartsWith(parts[0], StringComparison.Ordinal)) return false;
        int pos = parts[0].Length;
        for (int i = 1; i < parts.Length; i++)
        {
            if (i == parts.Length - 1 && anchored)
                return path.Length - pos >= parts[i].Length && path.EndsWith(parts[i], StringComparison.Ordinal);
            int at = path.IndexOf(parts[i], pos, StringComparison.Ordinal);
            if (at < 0) return false;
            pos = at + parts[i].Length;
        }
        return !anchored || pos == path.Length;
    }
}
