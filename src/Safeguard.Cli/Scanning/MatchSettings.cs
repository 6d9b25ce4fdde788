using Safeguard.Banks.Matching;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Cli.Scanning;

/// <summary>How a file's hashes are matched against the loaded banks (shared by match and scan).</summary>
public sealed record MatchSettings(int Threshold, int MinQuality, bool Dihedral)
{
    public static readonly string[] TransformNames = ["original", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"];

    public static string TransformName(Dihedral? d) => d is { } t ? TransformNames[(int)t] : "";

    /// <summary>
    /// Appends every match of the file's hashes. Returns false when the PDQ hash was not matched
    /// because its quality is below <see cref="MinQuality"/>.
    /// </summary>
    /// <summary>Banked vPDQ videos for the video rule (null: frame-level and MD5 matching only).</summary>
    public Commands.Video.VideoBanks? Videos { get; init; }
    public double VideoQueryPercent { get; init; } = Safeguard.Video.Vpdq.VpdqMatcher.DefaultQueryMatchPercent;
    public double VideoComparedPercent { get; init; } = Safeguard.Video.Vpdq.VpdqMatcher.DefaultComparedMatchPercent;

    /// <summary>
    /// A video's sampled frames against PDQ entries (each entry once, at its best distance, naming
    /// the earliest frame at that distance; signal type "pdq"), and its vPDQ against banked videos
    /// (signal type "vpdq", distance 0).
    /// </summary>
    private void MatchVideo(BankIndex index, FileHashResult r, List<BankMatch> matches)
    {
        if (r.Vpdq is null || !Safeguard.Video.Vpdq.VpdqText.TryParseCompact(r.Vpdq, out var frames, out _)) return;
        var best = new Dictionary<long, BankMatch>();
        var times = new Dictionary<long, List<double>>();
        var scratch = new List<BankMatch>();
        foreach (var f in frames)
        {
            if (f.Quality < MinQuality) continue;
            scratch.Clear();
            index.MatchPdq(f.Hash, Threshold, scratch);
            foreach (var m in scratch)
            {
                if (!best.TryGetValue(m.EntryId, out var seen) || m.Distance < seen.Distance)
                    best[m.EntryId] = m with { FrameHash = f.Hash, FrameSeconds = f.Timestamp };
                if (!times.TryGetValue(m.EntryId, out var list)) times[m.EntryId] = list = [];
                list.Add(f.Timestamp);
            }
        }
        matches.AddRange(best.Values.OrderBy(m => m.Distance).ThenBy(m => m.EntryId)
            .Select(m => m with { FrameTimes = times[m.EntryId] }));
        if (Videos is null) return;
        foreach (var v in Videos.Videos.Search(frames, VideoQueryPercent, VideoComparedPercent, Threshold))
        {
            var e = Videos.Entries[v.Id];
            matches.Add(new BankMatch(e.Bank, e.ContentId, e.Category, e.Grade, "vpdq", e.Value, 0, e.Id));
        }
    }

    public bool Match(BankIndex index, FileHashResult r, List<BankMatch> matches)
    {
        bool qualityOk = true;
        if (r.Pdq is { } pdq)
        {
            if (pdq.Quality < MinQuality) qualityOk = false;
            else if (Dihedral && r.DihedralHashes is { } variants) index.MatchPdq(variants, Threshold, matches);
            else index.MatchPdq(pdq.Hash, Threshold, matches);
        }
        if (r.IsVideo) MatchVideo(index, r, matches);
        if (r.Md5 is not null) index.MatchExact("md5", r.Md5, matches);
        if (r.Sha1 is not null) index.MatchExact("sha1", r.Sha1, matches);
        if (r.Sha256 is not null) index.MatchExact("sha256", r.Sha256, matches);
        return qualityOk;
    }
}
