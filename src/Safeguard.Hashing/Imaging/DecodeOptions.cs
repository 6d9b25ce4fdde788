namespace Safeguard.Hashing.Imaging;

public sealed record DecodeOptions
{
    /// <summary>Images whose header claims more pixels are refused before any pixel memory is allocated.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Apply the EXIF orientation tag (the reference ignores it).</summary>
    public bool ApplyExifOrientation { get; init; }

    public static DecodeOptions Default { get; } = new();
}
