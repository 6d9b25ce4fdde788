using System.Globalization;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Statistics;

/// <summary>
/// A range of whole UTC days, both ends included (<c>from=2026-01-01&amp;to=2026-12-31</c> is the year).
/// Default: the last 30 days up to today.
/// </summary>
public sealed record StatsRange(DateOnly From, DateOnly To)
{
    /// <summary>Two years and a day: a calendar year with room to compare, and a bound on the per-day series.</summary>
    public const int MaxDays = 731;
    private const long DayMillis = 86_400_000;

    public int Days => To.DayNumber - From.DayNumber + 1;
    public long FromMillis => (long)(From.DayNumber - EpochDay) * DayMillis;
    /// <summary>Exclusive end: midnight after <see cref="To"/>.</summary>
    public long ToMillisExclusive => (long)(To.DayNumber + 1 - EpochDay) * DayMillis;

    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>The UTC day SQL computes as <c>at / 86400000</c> (days since 1970) as a date.</summary>
    public static DateOnly DayOf(long unixDay) => DateOnly.FromDayNumber(EpochDay + (int)unixDay);

    public IEnumerable<DateOnly> EachDay() => Enumerable.Range(0, Days).Select(From.AddDays);

    public static StatsRange Parse(string? from, string? to, DateOnly today)
    {
        var end = to is null ? today : ParseDay(to, "to");
        var start = from is null ? end.AddDays(-29) : ParseDay(from, "from");
        if (start > end) throw new ValidationException("from must not be after to");
        var range = new StatsRange(start, end);
        if (range.Days > MaxDays) throw new ValidationException($"the range spans {range.Days} days; at most {MaxDays}");
        return range;
    }

    private static DateOnly ParseDay(string s, string name) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year >= 1970
            ? d : throw new ValidationException($"{name} must be a date like 2026-01-31 (UTC)");
}
