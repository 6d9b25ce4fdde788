using Safeguard.Hashing.Pdq;
using Safeguard.Signals;

namespace Safeguard.Server.Index;

/// <summary>What a bank entry that matched carries back to the caller.</summary>
public sealed record EntryMeta(long Id, string Bank, string SignalType, string Value, string? ContentId, int? Category, string? Grade);

public readonly record struct MatchHit(EntryMeta Entry, int Distance);

public sealed record IndexStatus(bool Ready, long Entries, long ChangeSeq, DateTimeOffset? LastRefresh, string? LastError);

/// <summary>
/// The lookup path the API needs from an index of the banks. Kept small so the index behind it
/// (now the shared BankIndex) can change without touching the endpoints.
/// </summary>
public interface IMatcher
{
    void MatchPdq(in Hash256 query, int threshold, List<MatchHit> results);
    void MatchExact(string signalType, ReadOnlySpan<byte> value, List<MatchHit> results);
    IndexStatus Status { get; }
    /// <summary>Applies the change feed now (after a write through this node).</summary>
    Task RefreshAsync(CancellationToken ct = default);
}
