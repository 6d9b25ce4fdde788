namespace Safeguard.Hashing.Imaging.Jpeg;

/// <summary>
/// A baseline YCbCr JPEG decoded to its raw component planes: full-resolution Y and the
/// chroma planes at their stored (subsampled) resolution, before upsampling and colour
/// conversion. Valid until the decoder's next call.
/// </summary>
public readonly unsafe struct YccPlanes
{
    public readonly int Width, Height;
    /// <summary>Horizontal and vertical chroma subsampling factors (1 or 2).</summary>
    public readonly int SubX, SubY;
    internal readonly byte* Y, Cb, Cr;
    internal readonly int YStride, CStride;
    /// <summary>Chroma samples that belong to the image (libjpeg's downsampled width and height).</summary>
    internal readonly int ChromaWidth, ChromaHeight;

    internal YccPlanes(int width, int height, int subX, int subY, byte* y, int yStride, byte* cb, byte* cr, int cStride)
    {
        Width = width; Height = height; SubX = subX; SubY = subY;
        Y = y; YStride = yStride; Cb = cb; Cr = cr; CStride = cStride;
        ChromaWidth = (width + subX - 1) / subX;
        ChromaHeight = (height + subY - 1) / subY;
    }
}
