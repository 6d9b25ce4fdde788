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
