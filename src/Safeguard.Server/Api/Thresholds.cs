using Safeguard.Banks;
using Safeguard.Signals;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Api;

/// <summary>The one check of a match threshold a request gives, for every route that takes one.</summary>
internal static class Thresholds
{
    /// <summary>The threshold, checked against the signal type's range (400 naming it otherwise); null when not given.</summary>
    public static int? Check(string signalType, int? threshold)
    {
        if (threshold is not { } t) return null;
        if (signalType == SignalTypes.Pdq.Name)
            return SignalTypes.Pdq.CheckThreshold(t) is null ? t : throw new ValidationException($"threshold for pdq must be 0..{SignalTypes.Pdq.MaxThreshold} (bits of Hamming distance), not {t}");
        if (signalType == SignalTypes.Tmk.Name)
            throw new ValidationException("threshold does not apply to tmk: its level-1 and level-2 thresholds are the service's (serve --tmk-level1, --tmk-level2)");
        return t == 0 ? 0 : throw new ValidationException($"threshold for {signalType} must be 0 or left out: exact hashes match only when equal, not {t}");
    }
}
