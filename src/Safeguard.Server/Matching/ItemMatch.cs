namespace Safeguard.Server.Matching;

/// <summary>One bank entry a review item matched, as recorded on the item.</summary>
public sealed record ItemMatch(string Bank, string SignalType, string QueryValue, string EntryValue, string? ContentId, int? Category, string? Grade, int Distance, bool Verified)
{
    /// <summary>For a video's frame hit: the time of the closest sampled frame, seconds.</summary>
    public double? FrameSeconds { get; init; }
    /// <summary>For a whole-video vPDQ hit: the share of the query's distinct frames that matched.</summary>
    public double? QueryMatchPercent { get; init; }
    /// <summary>For a TMK hit: the level-1 score (cosine of the pure averages) and the level-2 score (time kernel; null when either side holds only the pure average).</summary>
    public double? TmkLevel1 { get; init; }
    public double? TmkLevel2 { get; init; }
    /// <summary>The engine's verified-exact rule held for this match (an exact hit on a verified bank); not stored with the item.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool VerifiedExact { get; init; }
}
