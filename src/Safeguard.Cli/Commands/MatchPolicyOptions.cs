using System.CommandLine;
using Safeguard.Engine.Matching;
using Safeguard.Signals;

namespace Safeguard.Cli.Commands;

/// <summary>The match-rule options shared by match and scan, read into one <see cref="MatchPolicy"/>.</summary>
public sealed class MatchPolicyOptions
{
    public readonly Option<int> Threshold = new("--threshold")
    {
        Description = $"PDQ match at Hamming distance <= T (0..{SignalTypes.Pdq.MaxThreshold}).",
        DefaultValueFactory = _ => SignalTypes.Pdq.DefaultThreshold,
    };

    public readonly Option<int> MinQuality = new("--min-quality")
    {
        Description = "PDQ hashes of lower quality (0..100) are not matched.",
        DefaultValueFactory = _ => SignalTypes.Pdq.DefaultMinQuality,
    };

    public void AddTo(Command command)
    {
        command.Add(Threshold);
        command.Add(MinQuality);
    }

    public MatchPolicy Read(ParseResult parse, bool dihedral)
    {
        int t = parse.GetValue(Threshold), q = parse.GetValue(MinQuality);
        if (t is < 0 || t > SignalTypes.Pdq.MaxThreshold) throw new UsageException($"--threshold must be 0..{SignalTypes.Pdq.MaxThreshold}, not {t}");
        if (q is < 0 or > 100) throw new UsageException($"--min-quality must be 0..100, not {q}");
        return new MatchPolicy { Threshold = t, MinQuality = q, Dihedral = dihedral };
    }
}
