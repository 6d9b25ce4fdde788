using System.Text;
using Safeguard.Hashing.Tmk;
using Safeguard.Signals;

namespace Safeguard.Fuzz.Targets;

/// <summary>
/// The <c>.tmk</c> reader (<see cref="TmkFile.Read"/>), then both scores of what it accepted against
/// itself, as `video compare` does; and the same bytes as a bank value through the tmk signal type.
/// <see cref="TmkFormatException"/> and a parse error are the documented outcomes.
/// </summary>
public sealed class TmkTarget : IFuzzTarget
{
    public string Name => "tmk";
    public string Description => "TmkFile.Read and the TMK scores; the tmk signal type's text parser";

    public void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            var f = TmkFile.Read(input, "fuzz.tmk");
            TmkScorer.Level1(f, f);
            if (f.Periods.Length * (long)f.FourierCoefficients.Length <= 64) TmkScorer.Level2(f, f);
        }
        catch (TmkFormatException) { }
        _ = SignalTypes.Tmk.TryParse(Encoding.UTF8.GetString(input), out _, out _);
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        var pure = Enumerable.Range(0, TmkParameters.Dimension).Select(i => (float)Math.Sin(i)).ToArray();
        var level1Only = new TmkFeatures(TmkParameters.PdqfAlgorithm, 15, 10, [], [], pure, [], []);
        yield return ("level1-only.tmk", TmkFile.ToBytes(level1Only));
        var small = new TmkFeatures(TmkParameters.PdqfAlgorithm, 15, 10, [7], [0.5f, 0.25f], pure,
            [.. pure, .. pure], new float[2 * TmkParameters.Dimension]);
        yield return ("one-period.tmk", TmkFile.ToBytes(small));
        yield return ("numbers.txt", Encoding.UTF8.GetBytes(string.Join(',', pure.Take(256))));
    }

    public IEnumerable<string> Dictionary => ["TMK1", "FVEC", "PDQF", "\\x0f\\x00\\x00\\x00", "\\x00\\x01\\x00\\x00"];
}
