using System.Text.Json;

namespace Safeguard.Server.Review;

/// <summary>
/// How urgently an item needs a reviewer, for the queue's <c>sort=severity</c>. Known material first:
/// a verified exact hit (1000) outranks any other bank hit (900 minus the closest match's distance, so an
/// exact hit on an unverified list is 900 and a PDQ hit at distance 20 is 880); then conversation and
/// payments alerts by risk level (critical 400, high 300, medium 200, low 100); media the crawler suspected
/// (near a bank entry, outside its threshold) is 60; a plain submission is 50.
/// </summary>
public static class Severity
{
    public const int VerifiedExact = 1000, BankHit = 900, Submitted = 50, CrawlSuspected = 60;

    /// <summary>The kind of a review item the service's crawler made from media near (not within) a bank entry's threshold.</summary>
    public const string CrawlSuspectedKind = "crawl-suspected";

    public static int Of(ReviewItem item)
    {
        // A near miss is not a bank hit: it ranks just above a plain submission.
        if (item.Kind == CrawlSuspectedKind) return CrawlSuspected;
        if (item.VerifiedExact) return VerifiedExact;
        if (item.Matches.Count > 0) return BankHit - Math.Clamp(item.Matches.Min(m => m.Distance), 0, 255);
        if (item.Conversation is { } c && c.TryGetProperty("level", out var level)) return OfLevel(level);
        if (item.PaymentsSubject is { } p && p.TryGetProperty("subject", out var s) && s.TryGetProperty("level", out var pl)) return OfLevel(pl);
        return Submitted;
    }

    private static int OfLevel(JsonElement level) => (level.ValueKind == JsonValueKind.String ? level.GetString() : null) switch
    {
        "critical" => 400, "high" => 300, "medium" => 200, "low" => 100, _ => 0,
    };

    /// <summary>The duplicate group: items of the same exact file (SHA-256, else MD5, else SHA-1) or the same PDQ value are one row.</summary>
    public static string? GroupKey(ReviewItem item) => item.Sha256 ?? item.Md5 ?? item.Sha1 ?? item.Pdq;
}
