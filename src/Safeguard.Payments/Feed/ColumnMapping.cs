namespace Safeguard.Payments.Feed;

/// <summary>
/// Which header name holds each standard column, for feeds that name them otherwise
/// (<c>--map id=txn_ref,timestamp=booked_at</c>). Unmapped columns keep their standard names.
/// </summary>
public sealed class ColumnMapping
{
    private readonly Dictionary<string, string> _headerOf = new(StringComparer.Ordinal);

    public static ColumnMapping Standard { get; } = new();

    /// <summary>Parses <c>standard=header</c> pairs separated by commas (several arguments allowed).</summary>
    public static ColumnMapping Parse(IEnumerable<string> specs)
    {
        var map = new ColumnMapping();
        foreach (var spec in specs)
        foreach (var pair in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
                throw new FormatException($"--map '{pair}': expected standard=header, e.g. id=txn_ref");
            var standard = pair[..eq].Trim();
            if (Array.IndexOf(FeedNames.Columns, standard) < 0)
                throw new FormatException($"--map '{pair}': '{standard}' is not a feed column ({string.Join(", ", FeedNames.Columns)})");
            map._headerOf[standard] = pair[(eq + 1)..].Trim();
        }
        return map;
    }

    /// <summary>The header name the feed uses for a standard column.</summary>
    public string HeaderOf(string standard) => _headerOf.GetValueOrDefault(standard, standard);
}
