using Safeguard.Banks.Storage;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Files;
using Safeguard.Server.Matching;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.Index;

/// <summary>A query hash: its type and normalised value.</summary>
public readonly record struct QueryHash(string SignalType, string Value);

/// <summary>
/// The service's side of the engine's <see cref="Matcher"/>: the policy (threshold, the banks'
/// verified flags, suppressions) and the review items' match records drawn from its results.
/// </summary>
public sealed class LookupService(LiveIndex index, Suppressions suppressions, ServerOptions options) : ISuppressionList
{
    private volatile HashSet<string> _verifiedBanks = new(StringComparer.Ordinal);
    private volatile Dictionary<string, double> _ratios = new(StringComparer.Ordinal);

    public async Task ReloadBanksAsync(IBankStore store)
    {
        var banks = await store.ListBanksAsync();
        _verifiedBanks = new HashSet<string>(banks.Where(b => b.Verified).Select(b => b.Name), StringComparer.Ordinal);
        _ratios = banks.ToDictionary(b => b.Name, b => b.MatchingEnabledRatio, StringComparer.Ordinal);
    }

    /// <summary>Every bank's matching ratio (HMA's coin flip), as last read from the store.</summary>
    public IReadOnlyDictionary<string, double> BankRatios => _ratios;

    /// <summary>Told of every match a lookup returns (flood control counts them); null: nobody listens.</summary>
    public IMatchObserver? Observer { get; set; }

    public bool IsVerified(string bank) => _verifiedBanks.Contains(bank);

    bool ISuppressionList.IsEmpty => suppressions.Count == 0;

    bool ISuppressionList.IsSuppressed(string bank, SignalType type, string queryValue) => suppressions.IsSuppressed(bank, type.Name, queryValue);

    /// <summary>The service's match policy; <paramref name="threshold"/> overrides the configured PDQ threshold for one request.</summary>
    public MatchPolicy Policy(int? threshold = null) => new()
    {
        Threshold = threshold ?? options.PdqThreshold,
        TmkLevel1Threshold = options.TmkLevel1Threshold,
        TmkLevel2Threshold = options.TmkLevel2Threshold,
        Suppressions = this,
        VerifiedBanks = _verifiedBanks,
        Banks = BankSelection.Current,
    };

    /// <summary>Checks a (type, value) pair typed by a caller; null and a reason when invalid.</summary>
    public static QueryHash? Parse(string? type, string? value, out string? error)
    {
        if (!SignalTypes.TryGet(type, out var t)) { error = $"unknown signal_type '{type}' (known: {string.Join(", ", SignalTypes.All.Where(x => x != SignalTypes.Vpdq).Select(x => x.Name))})"; return null; }
        if (value is null) { error = "value is required"; return null; }
        if (t == SignalTypes.Vpdq) { error = "a vpdq value cannot be looked up as a hash: upload the video (POST /v1/lookup/file) or use 'safeguard video match'"; return null; }
        var v = t.TryNormalize(value, out error);
        return v is null ? null : new QueryHash(t.Name, v);
    }

    /// <summary>Entries matching one given hash, suppressions applied.</summary>
    public List<ItemMatch> Match(QueryHash q, int? threshold = null)
    {
        if (index.Current is not { } bankIndex) return [];
        var matches = new Matcher(bankIndex, Policy(threshold)).MatchValue(SignalTypes.Get(q.SignalType), q.Value);
        var items = new List<ItemMatch>(matches.Count);
        // The query's canonical text, as the caller gave it; a TMK value by its level-1 form, as suppressions name it.
        string query = q.SignalType == SignalTypes.Tmk.Name && matches.Count > 0 ? SignalTypes.Tmk.Level1Text(SignalTypes.Tmk.Parse(q.Value)) : q.Value;
        foreach (var m in matches) items.Add(ToItem(m, query));
        Observer?.Matched(matches);
        return items;
    }

    /// <summary>
    /// Entries matching one given hash, as the engine reports them (HMA's raw lookup: entry ids and
    /// distances). Suppressions apply as on every other lookup: a reviewer's false positive stays one.
    /// </summary>
    public List<Engine.Matching.Match> MatchRaw(QueryHash q)
    {
        if (index.Current is not { } bankIndex) return [];
        var matches = new Matcher(bankIndex, Policy()).MatchValue(SignalTypes.Get(q.SignalType), q.Value);
        Observer?.Matched(matches);
        return matches;
    }

    /// <summary>Every match of a hashed file (image or video), as the engine finds it for every entry point.</summary>
    public List<ItemMatch> Match(FileHashResult media)
    {
        if (index.Current is not { } bankIndex) return [];
        var matches = new Matcher(bankIndex, Policy()).Match(media, out _);
        Observer?.Matched(matches);
        string? video = null;
        return matches.Select(m => ToItem(m, Matcher.QueryOf(m, media, ref video).Value)).ToList();
    }

    /// <summary>The review items' match records of matches the engine found for <paramref name="media"/> elsewhere (the service's crawler).</summary>
    public List<ItemMatch> Describe(IEnumerable<Engine.Matching.Match> matches, FileHashResult media)
    {
        string? video = null;
        return matches.Select(m => ToItem(m, Matcher.QueryOf(m, media, ref video).Value)).ToList();
    }

    private ItemMatch ToItem(Engine.Matching.Match m, string query) =>
        new(m.Entry.Bank, m.Signal.Name, query, m.Entry.Value, m.Entry.ContentId, m.Entry.Category, m.Entry.Grade, m.Distance, IsVerified(m.Entry.Bank))
        {
            FrameSeconds = m.FrameSeconds,
            QueryMatchPercent = m.QueryMatchPercent is { } p ? Math.Round(p, 1) : null,
            TmkLevel1 = Engine.Scanning.ScanMatch.Score(m.TmkLevel1),
            TmkLevel2 = Engine.Scanning.ScanMatch.Score(m.TmkLevel2),
            VerifiedExact = m.VerifiedExact,
        };
}
