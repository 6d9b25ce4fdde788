using SkiaSharp;

namespace Safeguard.Server.Media;

/// <summary>
/// What a reviewer sees. At submission the media is reduced once to a stored preview (longest side at
/// most <see cref="StoredMaxSide"/> px, PNG); every view, blurred or clear, renders from that preview:
/// greyscale and blurred by default, at most <see cref="ShownMaxSide"/> px, re-encoded as PNG.
/// </summary>
public static class Preview
{
    public const int StoredMaxSide = 1024;
    public const int ShownMaxSide = 640;
    /// <summary>Pixels decoded to make a preview (after the codec's own downscaling); beyond it there is no preview.</summary>
    public const long MaxDecodedPixels = 128L * 1024 * 1024;

    /// <summary>The colour matrix of every greyscale view: Rec. 601 luma into each channel, alpha kept.</summary>
    internal static readonly float[] Greyscale = [0.299f, 0.587f, 0.114f, 0, 0, 0.299f, 0.587f, 0.114f, 0, 0, 0.299f, 0.587f, 0.114f, 0, 0, 0, 0, 0, 1, 0];

    /// <summary>The stored preview of media: at most 1024 px, PNG; null when it does not decode as an image.</summary>
    public static byte[]? Bounded(byte[] media)
    {
        using var bitmap = DecodeAtLeast(media, StoredMaxSide);
        return bitmap is null ? null : Draw(bitmap, StoredMaxSide, null);
    }

    /// <summary>A view of a stored preview: clear, or greyscale and blurred at the reviewer's strength.</summary>
    public static byte[]? Render(byte[] preview, bool clear, int blurStrength)
    {
        using var bitmap = DecodeAtLeast(preview, ShownMaxSide);
        if (bitmap is null) return null;
        if (clear) return Draw(bitmap, ShownMaxSide, null);
        var (w, h) = Fit(bitmap.Width, bitmap.Height, ShownMaxSide);
        using var paint = new SKPaint();
        paint.ColorFilter = SKColorFilter.CreateColorMatrix(Greyscale);
        float sigma = Math.Clamp(blurStrength, 0, 100) * Math.Max(w, h) / 400f;
        if (sigma > 0) paint.ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp);
        return Draw(bitmap, ShownMaxSide, paint);
    }

    /// <summary>
    /// A reviewer-controlled view: blurred at the given strength, greyscale unless turned off, and optionally one
    /// region (fractions of the width and height) drawn clear over it: a partial clear view.
    /// </summary>
    public static byte[]? RenderView(byte[] preview, int blurStrength, bool greyscale, ViewRegion? clearRegion)
    {
        using var bitmap = DecodeAtLeast(preview, ShownMaxSide);
        if (bitmap is null) return null;
        var (w, h) = Fit(bitmap.Width, bitmap.Height, ShownMaxSide);
        using var paint = new SKPaint();
        if (greyscale) paint.ColorFilter = SKColorFilter.CreateColorMatrix(Greyscale);
        float sigma = Math.Clamp(blurStrength, 0, 100) * Math.Max(w, h) / 400f;
        if (sigma > 0) paint.ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp);
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Black);
        using var image = SKImage.FromBitmap(bitmap);
        var sampling = new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        canvas.DrawImage(image, new SKRect(0, 0, w, h), sampling, paint);
        if (clearRegion is { } r)
        {
            canvas.Save();
            canvas.ClipRect(new SKRect((float)(r.X * w), (float)(r.Y * h), (float)((r.X + r.Width) * w), (float)((r.Y + r.Height) * h)));
            canvas.DrawImage(image, new SKRect(0, 0, w, h), sampling, null);
            canvas.Restore();
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    /// <summary>The bitmap scaled into maxSide (mipmapped, so large reductions do not alias) through the paint, as PNG.</summary>
    private static byte[] Draw(SKBitmap bitmap, int maxSide, SKPaint? paint)
    {
        var (w, h) = Fit(bitmap.Width, bitmap.Height, maxSide);
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Black);
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    /// <summary>Within maxSide, aspect kept; the longest side is exactly maxSide when the image is larger.</summary>
    private static (int W, int H) Fit(int width, int height, int maxSide)
    {
        if (Math.Max(width, height) <= maxSide) return (width, height);
        int shortSide = (int)Math.Max(1, Math.Round(Math.Min(width, height) * (double)maxSide / Math.Max(width, height)));
        return width >= height ? (maxSide, shortSide) : (shortSide, maxSide);
    }

    /// <summary>
    /// Decodes at the smallest scale the codec offers (JPEG and WebP: n/8) whose longest side is still at
    /// least minSide, so a 100 MP JPEG is read at 1/8 instead of in full. Null when not an image or too large.
    /// </summary>
    private static SKBitmap? DecodeAtLeast(byte[] media, int minSide)
    {
        using var data = SKData.CreateCopy(media);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0) return null;
        var size = codec.Info.Size;
        for (int eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Max(scaled.Width, scaled.Height) >= minSide && (long)scaled.Width * scaled.Height < (long)size.Width * size.Height) { size = scaled; break; }
        }
        if ((long)size.Width * size.Height > MaxDecodedPixels) return null;
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is SKCodecResult.Success or SKCodecResult.IncompleteInput) return bitmap;
        bitmap.Dispose();
        return null;
    }
}

/// <summary>A rectangle of an image as fractions (0..1) of its width and height.</summary>
public sealed record ViewRegion(double X, double Y, double Width, double Height)
{
    public bool IsValid => X is >= 0 and < 1 && Y is >= 0 and < 1 && Width is > 0 and <= 1 && Height is > 0 and <= 1 && X + Width <= 1.0001 && Y + Height <= 1.0001;
}
