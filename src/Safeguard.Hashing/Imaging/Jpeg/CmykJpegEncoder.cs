namespace Safeguard.Hashing.Imaging.Jpeg;

/// <summary>
/// Writes CMYK pixels as a JPEG through the system's libjpeg-turbo, which stores them as YCCK
/// with an Adobe marker (as print workflows do). For benchmark corpora and tests.
/// </summary>
public static unsafe class CmykJpegEncoder
{
    /// <param name="cmyk">Four bytes per pixel, C M Y K, Adobe's inverted convention (255 = no ink).</param>
    public static byte[] Encode(ReadOnlySpan<byte> cmyk, int width, int height, int quality)
    {
        if (!TurboJpeg.IsAvailable) throw new InvalidOperationException($"{TurboJpeg.Library} is not installed");
        if (cmyk.Length < 4L * width * height) throw new ArgumentException("fewer pixels than width x height", nameof(cmyk));
        nint tj = TurboJpeg.InitCompress();
        if (tj == 0) throw new InvalidOperationException("libturbojpeg: cannot start a compressor");
        try
        {
            byte* jpeg = null;
            nuint size = 0;
            fixed (byte* src = cmyk)
            {
                if (TurboJpeg.Compress(tj, src, width, 4 * width, height, TurboJpeg.PixelFormatCmyk, &jpeg, &size, TurboJpeg.Samp444, quality, 0) != 0)
                    throw new InvalidOperationException($"CMYK JPEG encoding failed: {TurboJpeg.ErrorOf(tj)}");
            }
            try
            {
                return new ReadOnlySpan<byte>(jpeg, checked((int)size)).ToArray();
            }
            finally
            {
                TurboJpeg.Free(jpeg);
            }
        }
        finally
        {
            _ = TurboJpeg.Destroy(tj);
        }
    }
}
