using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Signals.Exact;
using Safeguard.Banks.Storage;
using Safeguard.Hashing.Pdq;
using Safeguard.Signals;

namespace Safeguard.Server.Index;

/// <summary>
/// The service's matcher: the shared <see cref="BankIndex"/> (every bank, loaded once, then kept
/// current from the store's change feed in place) behind the small <see cref="IMatcher"/> interface.
/// </summary>
public sealed class BankIndexMatcher(IBankStore store) : IMatcher
{
    private BankIndex? _index;
    private readonly SemaphoreSlim _load = new(1, 1);
    private DateTimeOffset? _lastRefresh;
    private string? _lastError;

    [ThreadStatic] private static List<Match>? t_matches;

    public void MatchPdq(in Hash256 query, int threshold, List<MatchHit> results)
    {
        if (Volatile.Read(ref _index) is not { } index) return;
        var raw = t_matches ??= [];
        raw.Clear();
        index.MatchPdq(query, threshold, raw);
        Convert(raw, results);
    }

    public void MatchExact(string signalType, ReadOnlySpan<byte> value, List<MatchHit> results)
    {
        if (Volatile.Read(ref _index) is not { } index) return;
        var raw = t_matches ??= [];
        raw.Clear();
        if (SignalTypes.TryGet(signalType, out var t) && t is DigestSignal d) index.MatchExact(d.Algorithm, value, raw);
        Convert(raw, results);
    }

    private static void Convert(List<Match> raw, List<MatchHit> results)
    {
        foreach (var m in raw)
            results.Add(new MatchHit(new EntryMeta(m.Entry.Id, m.Entry.Bank, m.Entry.Type.Name, m.Entry.Value, m.Entry.ContentId, m.Entry.Category, m.Entry.Grade), m.Distance));
    }

    public IndexStatus Status
    {
        get
        {
            var index = Volatile.Read(ref _index);
            return new IndexStatus(index is not null, index?.Count ?? 0, index?.AppliedChangeSeq ?? 0, _lastRefresh, _lastError);
        }
    }

    public async Task RefreshAsync(CancellationToken ct = default)
    {
        try
        {
            if (Volatile.Read(ref _index) is { } index) await index.RefreshAsync(ct);
            else
            {
                await _load.WaitAsync(ct);
                try { _index ??= await BankIndex.LoadAsync(store, null, ct); }
                finally { _load.Release(); }
            }
            _lastRefresh = DateTimeOffset.UtcNow;
            _lastError = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _lastError = ex.Message;
            throw;
        }
    }
}
