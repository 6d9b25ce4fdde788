using Safeguard.Hashing.Pdq;

namespace Safeguard.Banks.Matching;

/// <summary>
/// One bank entry that matched a query: which bank and item, how it is categorised, which signal
/// matched and how far away (0 for exact hashes).
/// </summary>
public sealed record BankMatch(
    string Bank,
    string? ContentId,
    int? Category,
    string? Grade,
    string SignalType,
    string Value,
    int Distance,
    long EntryId)
{
    /// <summary>For a dihedral PDQ search: the query variant (rotation/flip of the query image) that came nearest.</summary>
    public Dihedral? Transform { get; init; }

    /// <summary>For a video whose frames were matched one by one: the nearest frame's PDQ hash and time in seconds.</summary>
    public Hash256? FrameHash { get; init; }
    public double? FrameSeconds { get; init; }
    /// <summary>For a video: the times of every sampled frame within the threshold of this entry, in order.</summary>
    public IReadOnlyList<double>? FrameTimes { get; init; }
}
