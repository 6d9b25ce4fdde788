using System.CommandLine;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Media;
using Safeguard.Signals;
using Safeguard.Video.Vpdq;

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

    public readonly Option<float> TmkLevel1 = new("--tmk-level1")
    {
        Description = "TMK: a banked video matches when the level-1 score (cosine of the pure averages, -1..1) reaches this...",
        DefaultValueFactory = _ => SignalTypes.Tmk.DefaultLevel1Threshold,
    };

    public readonly Option<float> TmkLevel2 = new("--tmk-level2")
    {
        Description = "...and the level-2 score (the time kernel, -1..1) reaches this.",
        DefaultValueFactory = _ => SignalTypes.Tmk.DefaultLevel2Threshold,
    };

    public readonly Option<bool> NoTmk = new("--no-tmk")
    {
        Description = "Do not compute TMK+PDQF for videos (vPDQ then samples 1 frame a second without decoding every frame; no tmk matches).",
    };

    public void AddTo(Command command)
    {
        command.Add(Threshold);
        command.Add(MinQuality);
        AddTmkTo(command);
    }

    /// <summary>How videos are hashed: vPDQ and TMK from one decode, or vPDQ alone with --no-tmk.</summary>
    public VpdqOptions VideoOptions(ParseResult parse) => parse.GetValue(NoTmk) ? MediaHasher.FastVideo : MediaHasher.MatchVideo;

    /// <summary>The TMK options alone (serve takes these, its PDQ threshold being fixed).</summary>
    public void AddTmkTo(Command command)
    {
        command.Add(TmkLevel1);
        command.Add(TmkLevel2);
        command.Add(NoTmk);
    }

    public (float Level1, float Level2) ReadTmkThresholds(ParseResult parse)
    {
        float l1 = parse.GetValue(TmkLevel1), l2 = parse.GetValue(TmkLevel2);
        if (MatchPolicy.CheckTmkThreshold(l1) is { } p1) throw new UsageException($"--tmk-level1 {p1}");
        if (MatchPolicy.CheckTmkThreshold(l2) is { } p2) throw new UsageException($"--tmk-level2 {p2}");
        return (l1, l2);
    }

    public MatchPolicy Read(ParseResult parse, bool dihedral)
    {
        int t = parse.GetValue(Threshold), q = parse.GetValue(MinQuality);
        if (t is < 0 || t > SignalTypes.Pdq.MaxThreshold) throw new UsageException($"--threshold must be 0..{SignalTypes.Pdq.MaxThreshold}, not {t}");
        if (q is < 0 or > 100) throw new UsageException($"--min-quality must be 0..100, not {q}");
        var (l1, l2) = ReadTmkThresholds(parse);
        return new MatchPolicy { Threshold = t, MinQuality = q, Dihedral = dihedral, TmkLevel1Threshold = l1, TmkLevel2Threshold = l2 };
    }
}
