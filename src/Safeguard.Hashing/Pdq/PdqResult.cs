namespace Safeguard.Hashing.Pdq;

/// <summary>A PDQ hash and its quality (0..100; below 50 is too featureless to match on).</summary>
public readonly record struct PdqResult(Hash256 Hash, int Quality)
{
    public const int MinimumUsefulQuality = 50;
    public const int DefaultMatchThreshold = 31;
    /// <summary>The largest match threshold accepted anywhere: at 64 bits and more, unrelated images match.</summary>
    public const int MaxMatchThreshold = 63;
}

/// <summary>The eight dihedral transforms, in the reference's order.</summary>
public enum Dihedral
{
    Original, Rotate90, Rotate180, Rotate270, FlipX, FlipY, FlipPlus1, FlipMinus1,
}
