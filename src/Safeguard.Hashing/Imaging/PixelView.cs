namespace Safeguard.Hashing.Imaging;

public enum PixelLayout
{
    /// <summary>One byte per pixel, grey.</summary>
    Gray8,
    /// <summary>Four bytes per pixel: R, G, B, A.</summary>
    Rgba8888,
    /// <summary>Four bytes per pixel: B, G, R, A.</summary>
    Bgra8888,
    /// <summary>
    /// Four bytes per pixel: C, M, Y, K as a CMYK JPEG decodes, Adobe's inverted convention
    /// (255 = no ink); read as R = C x K / 255 rounded, and so on, as libjpeg-turbo's djpeg and
    /// SkiaSharp convert it.
    /// </summary>
    InvertedCmyk8888,
}

/// <summary>A rectangle of decoded pixels: no copy, no ownership.</summary>
public readonly ref struct PixelView
{
    public readonly ReadOnlySpan<byte> Data;
    public readonly int Width;
    public readonly int Height;
    public readonly int RowBytes;
    public readonly PixelLayout Layout;

    public PixelView(ReadOnlySpan<byte> data, int width, int height, int rowBytes, PixelLayout layout)
    {
        if (width < 0 || height < 0) throw new ArgumentOutOfRangeException(nameof(width));
        int bpp = BytesPerPixel(layout);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowBytes, width * bpp);
        if (height > 0 && data.Length < (long)rowBytes * (height - 1) + (long)width * bpp)
            throw new ArgumentException("pixel buffer is smaller than the image it describes", nameof(data));
        Data = data; Width = width; Height = height; RowBytes = rowBytes; Layout = layout;
    }

    public int BytesPerPixel() => BytesPerPixel(Layout);

    public static int BytesPerPixel(PixelLayout layout) => layout == PixelLayout.Gray8 ? 1 : 4;

    /// <summary>The sub-rectangle (x, y, width, height), sharing the same memory.</summary>
    public PixelView Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width < 0 || height < 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(x), "crop lies outside the image");
        if (width == 0 || height == 0) return new PixelView(default, 0, 0, 0, Layout);
        int offset = y * RowBytes + x * BytesPerPixel();
        return new PixelView(Data[offset..], width, height, RowBytes, Layout);
    }

    public ReadOnlySpan<byte> Row(int y) => Data.Slice(y * RowBytes, Width * BytesPerPixel());
}
