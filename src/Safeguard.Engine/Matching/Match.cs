using Safeguard.Hashing.Pdq;
using Safeguard.Signals;

namespace Safeguard.Engine.Matching;

/// <summary>The bank entry a match found, as the bank holds it (its value is the bank's canonical text).</summary>
public sealed record MatchedEntry(long Id, string Bank, SignalType Type, string Value, string? ContentId, int? Category, string? Grade)
{
    /// <summary>The entry does not match before this time (a quarantine); null: no wait.</summary>
    public DateTimeOffset? DisableUntil { get; init; }
}

/// <summary>
/// One bank entry that matched a query: the one match record of every entry point (hash lists,
/// scan records, API answers and review items are drawn from it at the edges).
/// </summary>
public sealed record Match(MatchedEntry Entry, int Distance)
{
    /// <summary>The signal type that matched: the entry's type (video_md5 entries are found by a file's MD5).</summary>
    public SignalType Signal => Entry.Type;

    /// <summary>For a dihedral PDQ search: the rotation or flip of the query that came nearest.</summary>
    public Dihedral? Transform { get; init; }

    /// <summary>For PDQ: the query hash that matched (the variant for a dihedral search, the frame's hash for a video).</summary>
    public Hash256? QueryPdq { get; init; }

    /// <summary>For a video's frames: when the nearest matching frame appears, and when every matching sampled frame appears.</summary>
    public double? FrameSeconds { get; init; }
    public IReadOnlyList<double>? FrameTimes { get; init; }

    /// <summary>For the whole-video rule: the shares of the query's and the banked video's distinct frames that matched.</summary>
    public double? QueryMatchPercent { get; init; }
    public double? ComparedMatchPercent { get; init; }

    /// <summary>For TMK: the level-1 score (cosine of the pure averages) and the level-2 score (time kernel; null when either side holds only the pure average).</summary>
    public float? TmkLevel1 { get; init; }
    public float? TmkLevel2 { get; init; }

    /// <summary>An exact hit on a verified bank: may be confirmed without a person viewing the media.</summary>
    public bool VerifiedExact { get; init; }

    public static readonly string[] TransformNames = ["original", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"];

    /// <summary>The transform's name in outputs, "" when there is none.</summary>
    public string TransformName => Transform is { } t ? TransformNames[(int)t] : "";
}
