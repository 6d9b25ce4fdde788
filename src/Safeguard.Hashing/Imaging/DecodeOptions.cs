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

    /// <summary>
    /// Approximate: decode large JPEGs at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling), keeping
    /// both sides at least 512 px. Much faster; hashes typically differ from the exact ones by a
    /// few bits (the benchmark reports the distances).
    /// </summary>
    public bool ReducedScaleJpeg { get; init; }

    public static DecodeOptions Default { get; } = new();
}
