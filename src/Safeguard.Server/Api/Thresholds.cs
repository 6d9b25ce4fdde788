using Safeguard.Banks;

namespace Safeguard.Server.Api;

/// <summary>The one check of a match threshold a request gives, for every route that takes one.</summary>
internal static class Thresholds
{
    /// <summary>PDQ thresholds are Hamming distances of 0..63 bits (the CLI's range; more is not a match of the same image).</summary>
    public const int MaxPdq = 63;

    /// <summary>The threshold, checked against the signal type's range (400 naming it otherwise); null when not given.</summary>
    public static int? Check(string signalType, int? threshold)
    {
        if (threshold is not { } t) return null;
        if (signalType == SignalTypes.Pdq.Name)
            return t is >= 0 and <= MaxPdq ? t : throw new ApiException(400, $"threshold for pdq must be 0..{MaxPdq} (bits of Hamming distance), not {t}");
        return t == 0 ? 0 : throw new ApiException(400, $"threshold for {signalType} must be 0 or left out: exact hashes match only when equal, not {t}");
    }
}
