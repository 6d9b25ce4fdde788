using Safeguard.Hashing.Pdq;
using Safeguard.Server.Matching;
using Safeguard.Video.Vpdq;

namespace Safeguard.Server.Index;

/// <summary>
/// A video's matches, as `safeguard match` finds them: each sampled frame against PDQ entries (one
/// match per entry, from its closest frame, with that frame's time), the file's MD5 against md5 and
/// video_md5 entries, its SHA-1/SHA-256, and the whole-video vPDQ rule against banked vpdq entries.
/// </summary>
public static class VideoLookup
{
    public static async Task<List<ItemMatch>> MatchAsync(LookupService lookup, VpdqBankCache videos, int threshold,
        IReadOnlyList<VpdqFrame> frames, IEnumerable<QueryHash> exact, CancellationToken ct)
    {
        var best = new Dictionary<(string Bank, string Entry), ItemMatch>();
        foreach (var f in frames)
        {
            if (f.Quality < PdqResult.MinimumUsefulQuality) continue;
            foreach (var m in lookup.Match(new QueryHash("pdq", f.Hash.ToString()), threshold))
            {
                var key = (m.Bank, m.EntryValue);
                if (!best.TryGetValue(key, out var seen) || m.Distance < seen.Distance)
                    best[key] = m with { FrameSeconds = f.Timestamp };
            }
        }
        var matches = best.Values.OrderBy(m => m.Distance).ThenBy(m => m.Bank, StringComparer.Ordinal).ToList();
        matches.AddRange(lookup.MatchAll(exact));
        string query = VpdqText.FormatCompact(frames);
        foreach (var (entry, comparison) in await videos.SearchAsync(frames, threshold, ct))
        {
            if (lookup.IsSuppressed(entry.Bank, "vpdq", query)) continue;
            matches.Add(new ItemMatch(entry.Bank, "vpdq", query, entry.Value, entry.ContentId, entry.Category, entry.Grade, 0,
                lookup.IsVerified(entry.Bank)) { QueryMatchPercent = Math.Round(comparison.QueryMatchPercent, 1) });
        }
        return matches;
    }
}
