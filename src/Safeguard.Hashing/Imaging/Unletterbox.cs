namespace Safeguard.Hashing.Imaging;

/// <summary>
/// Removes uniform black or white bars (letterboxing, pillarboxing, screenshot padding) so a
/// re-upload with borders hashes like its source. A line is a border when every pixel is
/// within <see cref="Tolerance"/> of black or of white; at least <see cref="MinKeptShare"/> of
/// each axis is always kept, so a mostly dark image is not cropped to nothing.
/// </summary>
public static class Unletterbox
{
    public const int Tolerance = 16;
    public const double MinKeptShare = 0.1;

    public static PixelView Crop(PixelView image)
    {
        var (x, y, w, h) = FindContent(image);
        return w == image.Width && h == image.Height ? image : image.Crop(x, y, w, h);
    }

    public static (int X, int Y, int Width, int Height) FindContent(in PixelView image)
    {
        int w = image.Width, h = image.Height;
        if (w == 0 || h == 0) return (0, 0, w, h);
        int minW = Math.Max(1, (int)Math.Ceiling(w * MinKeptShare));
        int minH = Math.Max(1, (int)Math.Ceiling(h * MinKeptShare));

        int top = 0;
        while (h - top > minH && IsBorderLine(image, 0, top, 1, 0, w)) top++;
        int bottom = h;
        while (bottom - top > minH && IsBorderLine(image, 0, bottom - 1, 1, 0, w)) bottom--;
        int left = 0;
        while (w - left > minW && IsBorderLine(image, left, top, 0, 1, bottom - top)) left++;
        int right = w;
        while (right - left > minW && IsBorderLine(image, right - 1, top, 0, 1, bottom - top)) right--;
        return (left, top, right - left, bottom - top);
    }

    /// <summary>Walks <paramref name="count"/> pixels from (x, y) in steps of (dx, dy).</summary>
    private static bool IsBorderLine(in PixelView image, int x, int y, int dx, int dy, int count)
    {
        int bpp = image.BytesPerPixel();
        var data = image.Data;
        bool dark = true, light = true;
        for (int i = 0; i < count && (dark || light); i++, x += dx, y += dy)
        {
            int offset = y * image.RowBytes + x * bpp;
            int lo, hi;
            if (bpp == 1)
            {
                lo = hi = data[offset];
            }
            else
            {
                byte a = data[offset], b = data[offset + 1], c = data[offset + 2];
                lo = Math.Min(a, Math.Min(b, c));
                hi = Math.Max(a, Math.Max(b, c));
            }
            dark &= hi <= Tolerance;
            light &= lo >= 255 - Tolerance;
        }
        return dark || light;
    }
}
