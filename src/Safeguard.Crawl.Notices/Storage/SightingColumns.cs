using System.Data.Common;
using System.Globalization;

namespace Safeguard.Crawl.Notices.Storage;

/// <summary>Reads the crawler's columns whichever dialect wrote them (seen_at is ISO-8601 text in SQLite, timestamptz in PostgreSQL).</summary>
public static class SightingColumns
{
    /// <summary>A <see cref="Sighting"/> from 20 columns starting at <paramref name="first"/>, in the order of <see cref="Sighting.Columns"/>.</summary>
    public static Sighting Read(DbDataReader r, int first = 0) => new(
        Long(r, first),
        r.GetString(first + 1),
        Text(r, first + 2),
        Time(r, first + 3),
        (int)Long(r, first + 4),
        Text(r, first + 5),
        r.GetString(first + 6),
        r.GetString(first + 7),
        r.GetString(first + 8),
        r.GetString(first + 9),
        r.GetString(first + 10),
        Text(r, first + 11),
        r.IsDBNull(first + 12) ? null : (int)Long(r, first + 12),
        r.GetString(first + 13),
        r.GetString(first + 14),
        r.IsDBNull(first + 15) ? null : Long(r, first + 15),
        Text(r, first + 16),
        r.GetString(first + 17),
        r.IsDBNull(first + 18) ? null : (int)Long(r, first + 18),
        r.GetString(first + 19));

    public static DateTimeOffset Time(DbDataReader r, int i) => r.GetValue(i) switch
    {
        DateTimeOffset o => o.ToUniversalTime(),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        var other => throw new InvalidDataException($"sightings.seen_at holds an unexpected {other.GetType().Name}"),
    };

    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
