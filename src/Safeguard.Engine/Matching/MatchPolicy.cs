using Safeguard.Signals;

namespace Safeguard.Engine.Matching;

/// <summary>Hashes a deployment has marked as not to be reported (false positives, benign duplicates).</summary>
public interface ISuppressionList
{
    /// <summary>True when nothing is suppressed: matching then skips the per-hit check.</summary>
    bool IsEmpty { get; }

    bool IsSuppressed(string bank, SignalType type, string queryValue);
}

/// <summary>
/// Every rule that decides what matches, in one place; hash, match, scan, watch and the service
/// all read theirs from here. Defaults are the signal types' own.
/// </summary>
public sealed record MatchPolicy
{
    /// <summary>PDQ (and vPDQ frame) matches at Hamming distance up to this.</summary>
    public int Threshold { get; init; } = SignalTypes.Pdq.DefaultThreshold;

    /// <summary>PDQ hashes and video frames of lower quality (0..100) are not matched.</summary>
    public int MinQuality { get; init; } = SignalTypes.Pdq.DefaultMinQuality;

    /// <summary>Search the 8 rotations and flips of an image's PDQ hash.</summary>
    public bool Dihedral { get; init; }

    /// <summary>vPDQ rule: share of the query's distinct frames (and of the banked video's) that must match.</summary>
    public double VideoQueryPercent { get; init; } = SignalTypes.Vpdq.DefaultQueryMatchPercent;
    public double VideoComparedPercent { get; init; } = SignalTypes.Vpdq.DefaultComparedMatchPercent;

    /// <summary>TMK rule: a banked video matches when the level-1 score (cosine of pure averages, -1..1) and the level-2 score (time kernel) reach these.</summary>
    public float TmkLevel1Threshold { get; init; } = SignalTypes.Tmk.DefaultLevel1Threshold;
    public float TmkLevel2Threshold { get; init; } = SignalTypes.Tmk.DefaultLevel2Threshold;

    /// <summary>Match a video's sampled frames against PDQ entries one by one.</summary>
    public bool FrameMatches { get; init; } = true;

    /// <summary>Query hashes suppressed per bank; null: none.</summary>
    public ISuppressionList? Suppressions { get; init; }

    /// <summary>Banks whose exact hits count as verified; null: none.</summary>
    public IReadOnlySet<string>? VerifiedBanks { get; init; }

    /// <summary>Only these banks' entries match; null: every bank's.</summary>
    public IReadOnlySet<string>? Banks { get; init; }

    /// <summary>The clock a quarantine (an entry's disable-until) is read against, at match time, so it ends by itself.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Whether an entry may match now: its bank is chosen and its quarantine is over.</summary>
    public bool Admits(MatchedEntry entry, DateTimeOffset now) =>
        (Banks is null || Banks.Contains(entry.Bank)) && (entry.DisableUntil is not { } until || until <= now);

    /// <summary>The verified-exact rule: an exact signal type, distance 0, on a verified bank.</summary>
    public bool IsVerifiedExact(string bank, SignalType type, int distance) =>
        type.Kind == SignalKind.Exact && distance == 0 && VerifiedBanks is { } v && v.Contains(bank);

    /// <summary>Null when the policy can be used, else what is wrong with it (for a usage or 400 error).</summary>
    public string? Validate()
    {
        if (SignalTypes.Pdq.CheckThreshold(Threshold) is { } t) return t;
        if (MinQuality is < 0 or > 100) return $"minimum quality must be 0..100, not {MinQuality}";
        if (VideoQueryPercent is < 0 or > 100 || double.IsNaN(VideoQueryPercent)) return "video query percent must be 0..100";
        if (VideoComparedPercent is < 0 or > 100 || double.IsNaN(VideoComparedPercent)) return "video compared percent must be 0..100";
        if (CheckTmkThreshold(TmkLevel1Threshold) is { } l1) return $"TMK level-1 threshold {l1}";
        if (CheckTmkThreshold(TmkLevel2Threshold) is { } l2) return $"TMK level-2 threshold {l2}";
        return null;
    }

    /// <summary>Null for a usable TMK threshold (-1..1, as both scores are cosines), else what is wrong.</summary>
    public static string? CheckTmkThreshold(float threshold) =>
        threshold is >= -1 and <= 1 ? null : $"must be -1..1, not {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
