namespace Safeguard.Hashing.Imaging;

public sealed record DecodeOptions
{
    /// <summary>Images whose header claims more pixels are refused before any pixel memory is allocated.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Apply the EXIF orientation tag (the reference ignores it).</summary>
    public bool ApplyExifOrientation { get; init; }

    /// <summary>
    /// Decode JPEGs with the system's libjpeg-turbo (SIMD) when it is installed; otherwise,
    /// or when false, through SkiaSharp. Both give the same pixels.
    /// </summary>
    public bool UseSystemJpeg { get; init; } = true;

    public static DecodeOptions Default { get; } = new();
}
