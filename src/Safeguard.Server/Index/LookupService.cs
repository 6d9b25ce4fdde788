using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Server.Matching;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.Index;

/// <summary>A query hash: its type and normalised value.</summary>
public readonly record struct QueryHash(string SignalType, string Value);

/// <summary>Hash lookups against the index, minus suppressed hashes, with the banks' verified flags.</summary>
public sealed class LookupService(IMatcher matcher, Suppressions suppressions, ServerOptions options)
{
    private volatile HashSet<string> _verifiedBanks = new(StringComparer.Ordinal);

    [ThreadStatic] private static List<MatchHit>? t_hits;

    public IMatcher Matcher => matcher;

    public async Task ReloadBanksAsync(IBankStore store)
    {
        var banks = await store.ListBanksAsync();
        _verifiedBanks = new HashSet<string>(banks.Where(b => b.Verified).Select(b => b.Name), StringComparer.Ordinal);
    }

    public bool IsVerified(string bank) => _verifiedBanks.Contains(bank);

    public bool IsSuppressed(string bank, string signalType, string value) => suppressions.IsSuppressed(bank, signalType, value);

    /// <summary>Checks a (type, value) pair typed by a caller; null and a reason when invalid.</summary>
    public static QueryHash? Parse(string? type, string? value, out string? error)
    {
        if (!SignalTypes.TryGet(type, out var t)) { error = $"unknown signal_type '{type}' (known: pdq, md5, sha1, sha256)"; return null; }
        if (value is null) { error = "value is required"; return null; }
        if (t.Name == "vpdq") { error = "a vpdq value cannot be looked up as a hash: upload the video (POST /v1/lookup/file) or use 'safeguard video match'"; return null; }
        var v = t.TryNormalize(value, out error);
        return v is null ? null : new QueryHash(t.Name, v);
    }

    public List<ItemMatch> Match(QueryHash q, int? threshold = null)
    {
        var hits = t_hits ??= new List<MatchHit>();
        hits.Clear();
        if (q.SignalType == SignalTypes.Pdq.Name) matcher.MatchPdq(Hash256.Parse(q.Value), threshold ?? options.PdqThreshold, hits);
        else
        {
            Span<byte> key = stackalloc byte[q.Value.Length / 2];
            Convert.FromHexString(q.Value, key, out _, out _);
            matcher.MatchExact(q.SignalType, key, hits);
        }
        if (hits.Count == 0) return [];
        var result = new List<ItemMatch>(hits.Count);
        foreach (var h in hits)
        {
            if (suppressions.IsSuppressed(h.Entry.Bank, q.SignalType, q.Value)) continue;
            result.Add(new ItemMatch(h.Entry.Bank, q.SignalType, q.Value, h.Entry.Value, h.Entry.ContentId, h.Entry.Category, h.Entry.Grade,
                h.Distance, IsVerified(h.Entry.Bank)));
        }
        return result;
    }

    /// <summary>The hashes of a file worth looking up: PDQ (when its quality is usable) and the exact ones.</summary>
    public static List<QueryHash> HashesOf(FileHashResult r)
    {
        var list = new List<QueryHash>(4);
        if (r.Pdq is { } p && p.Quality >= PdqResult.MinimumUsefulQuality) list.Add(new("pdq", p.Hash.ToString()));
        if (r.Md5 is not null) list.Add(new("md5", FileHashResult.Hex(r.Md5)));
        if (r.Sha1 is not null) list.Add(new("sha1", FileHashResult.Hex(r.Sha1)));
        if (r.Sha256 is not null) list.Add(new("sha256", FileHashResult.Hex(r.Sha256)));
        return list;
    }

    public List<ItemMatch> MatchAll(IEnumerable<QueryHash> hashes)
    {
        var all = new List<ItemMatch>();
        foreach (var q in hashes) all.AddRange(Match(q));
        return all;
    }
}
