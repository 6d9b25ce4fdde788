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
    public bool Match(BankIndex index, FileHashResult r, List<BankMatch> matches)
    {
        bool qualityOk = true;
        if (r.Pdq is { } pdq)
        {
            if (pdq.Quality < MinQuality) qualityOk = false;
            else if (Dihedral && r.DihedralHashes is { } variants) index.MatchPdq(variants, Threshold, matches);
            else index.MatchPdq(pdq.Hash, Threshold, matches);
        }
        if (r.Md5 is not null) index.MatchExact("md5", r.Md5, matches);
        if (r.Sha1 is not null) index.MatchExact("sha1", r.Sha1, matches);
        if (r.Sha256 is not null) index.MatchExact("sha256", r.Sha256, matches);
        return qualityOk;
    }
}
