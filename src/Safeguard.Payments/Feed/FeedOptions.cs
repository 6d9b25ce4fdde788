namespace Safeguard.Payments.Feed;

public enum FeedFormat { Auto, Csv, JsonLines }

/// <summary>How feeds are read: their format, column names, currencies and the caps that keep hostile input bounded.</summary>
public sealed record FeedOptions
{
    public FeedFormat Format { get; init; } = FeedFormat.Auto;
    public ColumnMapping Columns { get; init; } = ColumnMapping.Standard;
    /// <summary>Rates into the base currency; without them the first currency seen is the base and any other is an error.</summary>
    public CurrencyRates? Rates { get; init; }
    /// <summary>A row longer than this is skipped with an error (a 10 MB field cannot make a 10 MB string).</summary>
    public int MaxRecordChars { get; init; } = 64 * 1024;
    /// <summary>Longest id or account name accepted.</summary>
    public int MaxIdChars { get; init; } = 256;
    /// <summary>An amount above this (in the base currency) is refused as absurd.</summary>
    public double MaxAmount { get; init; } = 1e9;
    /// <summary>Rows reported one by one before only counting.</summary>
    public int MaxErrorsReported { get; init; } = 100;
}
