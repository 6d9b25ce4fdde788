using Safeguard.Hashing.Pdq;

namespace Safeguard.Video.Streams;

/// <summary>A sampled frame that matched a bank entry.</summary>
public sealed record WatchAlert(
    string Source,
    DateTimeOffset DetectedAt,
    double StreamTime,
    Hash256 Hash,
    int Quality,
    int MatchId,
    int Distance,
    double LagSeconds,
    string? SavedFrame);

/// <summary>Progress and connection events: connected, disconnected (with the error), status (lag), ended.</summary>
public sealed record WatchStatus(string Source, DateTimeOffset At, string Event, string? Message, long FramesHashed, double StreamTime, double LagSeconds, int Reconnects);

/// <summary>The rolling TMK of the last <paramref name="WindowSeconds"/> of stream matched a banked video.</summary>
public sealed record WatchTmkAlert(
    string Source,
    DateTimeOffset DetectedAt,
    double StreamTime,
    double WindowSeconds,
    long MatchId,
    float Level1,
    float? Level2);

/// <summary>A banked video the rolling TMK matched: its id and both scores (level 2 null for a level-1-only entry).</summary>
public readonly record struct TmkWindowHit(long Id, float Level1, float? Level2);

/// <summary>What a stream's rolling TMK is matched against (the engine's TMK index).</summary>
public interface ITmkWindowMatcher
{
    void Match(Safeguard.Hashing.Tmk.TmkFeatures window, List<TmkWindowHit> hits);
}
