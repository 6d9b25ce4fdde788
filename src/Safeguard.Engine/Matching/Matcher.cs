using Safeguard.Engine.Index;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;
using Safeguard.Signals;
using Safeguard.Signals.Exact;
using Safeguard.Signals.Tmk;
using Safeguard.Signals.Vpdq;

namespace Safeguard.Engine.Matching;

/// <summary>
/// Matches hashed media and given hashes against a <see cref="BankIndex"/> under one
/// <see cref="MatchPolicy"/>. The only matcher: hash, match, scan, watch and the service call it.
/// Thread-safe; results come in a fixed order: PDQ (image or video frames), vPDQ videos, TMK videos, MD5, SHA-1, SHA-256.
/// </summary>
public sealed class Matcher
{
    private readonly BankIndex _index;

    public Matcher(BankIndex index, MatchPolicy policy)
    {
        if (policy.Validate() is { } problem) throw new ArgumentException(problem, nameof(policy));
        _index = index;
        Policy = policy;
    }

    public MatchPolicy Policy { get; }

    public BankIndex Index => _index;

    /// <summary>
    /// Appends every match of a hashed file to <paramref name="results"/>. Returns false when its
    /// PDQ hash was not matched because its quality is below the policy's minimum.
    /// </summary>
    public bool Match(FileHashResult media, List<Match> results)
    {
        int start = results.Count;
        bool qualityOk = true;
        if (media.Pdq is { } pdq)
        {
            if (pdq.Quality < Policy.MinQuality) qualityOk = false;
            else if (Policy.Dihedral && media.DihedralHashes is { } variants) _index.MatchPdq(variants, Policy.Threshold, results);
            else _index.MatchPdq(pdq.Hash, Policy.Threshold, results);
        }
        if (media.VideoFrames is { } frames)
        {
            if (Policy.FrameMatches) MatchFrames(frames, results);
            _index.MatchVideo(frames, Policy.Threshold, Policy.VideoQueryPercent, Policy.VideoComparedPercent, results);
        }
        if (media.Tmk is { } tmk) _index.MatchTmk(tmk, Policy.TmkLevel1Threshold, Policy.TmkLevel2Threshold, results);
        if (media.Md5 is not null) _index.MatchExact(DigestAlgorithm.Md5, media.Md5, results);
        if (media.Sha1 is not null) _index.MatchExact(DigestAlgorithm.Sha1, media.Sha1, results);
        if (media.Sha256 is not null) _index.MatchExact(DigestAlgorithm.Sha256, media.Sha256, results);
        Finish(results, start, media);
        return qualityOk;
    }

    public List<Match> Match(FileHashResult media, out bool lowQuality)
    {
        var results = new List<Match>();
        lowQuality = !Match(media, results);
        return results;
    }

    /// <summary>Matches a hash given as text (a command-line argument, an API lookup); the type decides how.</summary>
    public List<Match> MatchValue(SignalType type, string value)
    {
        var results = new List<Match>();
        switch (type)
        {
            case DigestSignal d when d.TryNormalize(value, out _) is { } hex:
                Span<byte> digest = stackalloc byte[Digest.MaxBytes];
                Convert.FromHexString(hex, digest, out _, out int length);
                _index.MatchExact(d.Algorithm, digest[..length], results);
                break;
            case var _ when type == SignalTypes.Pdq && SignalTypes.Pdq.TryParse(value, out var hash, out _):
                _index.MatchPdq(hash, Policy.Threshold, results);
                break;
            case VpdqSignal v when v.TryParse(value, out var frames, out _):
                if (Policy.FrameMatches) MatchFrames(frames, results);
                _index.MatchVideo(frames, Policy.Threshold, Policy.VideoQueryPercent, Policy.VideoComparedPercent, results);
                break;
            case TmkSignal t when t.TryParse(value, out var tmk, out _):
                _index.MatchTmk(tmk, Policy.TmkLevel1Threshold, Policy.TmkLevel2Threshold, results);
                break;
        }
        Admit(results, 0);
        var suppressions = Policy.Suppressions is { IsEmpty: false } s ? s : null;
        if (results.Count == 0 || (suppressions is null && Policy.VerifiedBanks is null)) return results;
        // Every hit came from the one query: its canonical text is what a suppression names.
        string query = suppressions is null ? "" : QueryText(type, value);
        for (int i = results.Count - 1; i >= 0; i--)
        {
            var m = results[i];
            if (suppressions?.IsSuppressed(m.Entry.Bank, type, query) == true) { results.RemoveAt(i); continue; }
            if (Policy.IsVerifiedExact(m.Entry.Bank, m.Signal, m.Distance)) results[i] = m with { VerifiedExact = true };
        }
        return results;
    }

    /// <summary>A given query as suppressions name it: its canonical text, a TMK value by its level-1 form (as <see cref="QueryOf"/> names a video's).</summary>
    private static string QueryText(SignalType type, string value) =>
        type is TmkSignal t && t.TryParse(value, out var tmk, out _) ? t.Level1Text(tmk) : type.TryNormalize(value, out _) ?? value;

    /// <summary>One live-stream frame: PDQ entries and banked videos' frames within the threshold, as (entry slot, distance).</summary>
    public void MatchFrame(in Hash256 frame, int quality, List<PdqMatch> results)
    {
        if (quality < Policy.MinQuality) return;
        int start = results.Count;
        _index.MatchFrame(frame, Policy.Threshold, results);
        var now = Policy.Clock.GetUtcNow();
        int write = start;
        for (int i = start; i < results.Count; i++)
            if (Policy.Admits(_index.EntryOf(results[i].Id), now)) results[write++] = results[i];
        results.RemoveRange(write, results.Count - write);
    }

    /// <summary>
    /// Drops hits the policy does not admit now: another bank than the chosen ones, or an entry
    /// still in quarantine. Read at match time, so a quarantine ends without an index refresh.
    /// </summary>
    private void Admit(List<Match> results, int start)
    {
        if (results.Count == start) return;
        var now = Policy.Clock.GetUtcNow();
        int write = start;
        for (int i = start; i < results.Count; i++)
            if (Policy.Admits(results[i].Entry, now)) results[write++] = results[i];
        results.RemoveRange(write, results.Count - write);
    }

    /// <summary>
    /// A video's frames against PDQ entries: each entry once, at its best distance, naming the
    /// earliest frame at that distance, with the times of every frame within the threshold.
    /// </summary>
    private void MatchFrames(IReadOnlyList<VpdqFrame> frames, List<Match> results)
    {
        var best = new Dictionary<long, Match>();
        var times = new Dictionary<long, List<double>>();
        var scratch = new List<Match>();
        foreach (var f in frames)
        {
            if (f.Quality < Policy.MinQuality) continue;
            scratch.Clear();
            _index.MatchPdq(f.Hash, Policy.Threshold, scratch);
            foreach (var m in scratch)
            {
                if (!best.TryGetValue(m.Entry.Id, out var seen) || m.Distance < seen.Distance)
                    best[m.Entry.Id] = m with { FrameSeconds = f.Timestamp };
                if (!times.TryGetValue(m.Entry.Id, out var list)) times[m.Entry.Id] = list = [];
                list.Add(f.Timestamp);
            }
        }
        results.AddRange(best.Values.OrderBy(m => m.Distance).ThenBy(m => m.Entry.Id)
            .Select(m => m with { FrameTimes = times[m.Entry.Id] }));
    }

    /// <summary>Drops suppressed query hashes and marks verified exact hits (only when the policy has either).</summary>
    private void Finish(List<Match> results, int start, FileHashResult media)
    {
        Admit(results, start);
        var active = Policy.Suppressions is { IsEmpty: false } s ? s : null;
        if (results.Count == start || (active is null && Policy.VerifiedBanks is null)) return;
        string? videoQuery = null;
        int write = start;
        for (int i = start; i < results.Count; i++)
        {
            var m = results[i];
            if (active is { } suppressions)
            {
                var (type, query) = QueryOf(m, media, ref videoQuery);
                if (suppressions.IsSuppressed(m.Entry.Bank, type, query)) continue;
            }
            results[write++] = Policy.IsVerifiedExact(m.Entry.Bank, m.Signal, m.Distance) ? m with { VerifiedExact = true } : m;
        }
        results.RemoveRange(write, results.Count - write);
    }

    /// <summary>The query hash that produced a match, as the signal type and the text a suppression names.</summary>
    public static (SignalType Type, string Value) QueryOf(Match m, FileHashResult media, ref string? videoQuery)
    {
        if (m.QueryPdq is { } q) return (SignalTypes.Pdq, q.ToString());
        if (m.Signal == SignalTypes.Vpdq)
            return (SignalTypes.Vpdq, videoQuery ??= VpdqSignal.Format(media.VideoFrames ?? [], distinctOnly: true));
        if (m.Signal == SignalTypes.Tmk)
            return (SignalTypes.Tmk, media.Tmk is { } tmk ? SignalTypes.Tmk.Level1Text(tmk) : "");
        if (m.Signal is DigestSignal d)
        {
            var bytes = d.Algorithm switch
            {
                DigestAlgorithm.Md5 => media.Md5,
                DigestAlgorithm.Sha1 => media.Sha1,
                DigestAlgorithm.Sha256 => media.Sha256,
                _ => null,
            };
            return (m.Signal, FileHashResult.Hex(bytes));
        }
        return (m.Signal, "");
    }
}
