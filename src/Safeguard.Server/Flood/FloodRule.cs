namespace Safeguard.Server.Flood;

/// <summary>
/// When an entry's matches burst: this hour's hits exceed both a floor and a multiple of its average
/// hourly hits over the previous seven days. A known-bad hash matches now and then; a hash that
/// suddenly matches everything is more likely a bad entry (a blank image, a common logo).
/// </summary>
public sealed record FloodRule(long MinHits, double Factor)
{
    public const int HistoryHours = 7 * 24;

    /// <summary>The hits an hour may reach before it counts as a burst.</summary>
    public double Limit(long previousWeekHits) => Math.Max(MinHits, Factor * previousWeekHits / HistoryHours);

    public bool IsBurst(long hourHits, long previousWeekHits) => hourHits > Limit(previousWeekHits);

    /// <summary>The hour a time falls in, as whole hours since 1970.</summary>
    public static long HourOf(DateTimeOffset t) => t.ToUnixTimeSeconds() / 3600;
}
