using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Hashing.Files;

public sealed record FileHashOptions
{
    public HashSignals Signals { get; init; } = HashSignals.All;
    public bool Dihedral { get; init; }
    public bool Unletterbox { get; init; }
    public PdqSizing Sizing { get; init; } = PdqSizing.Reference512;
    public DecodeOptions Decode { get; init; } = DecodeOptions.Default;

    /// <summary>Larger files are still hashed exactly (streamed) but not decoded.</summary>
    public long MaxImageFileBytes { get; init; } = 512L * 1024 * 1024;
}
