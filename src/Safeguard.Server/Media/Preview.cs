using SkiaSharp;

namespace Safeguard.Server.Media;

/// <summary>Renders what a reviewer sees: greyscale and blurred by default, at most 640 px, re-encoded as PNG.</summary>
public static class Preview
{
    public static byte[]? Render(byte[] media, bool clear, int blurStrength)
    {
        using var bitmap = SKBitmap.Decode(media);
        if (bitmap is null) return null;
        float scale = Math.Min(1f, 640f / Math.Max(bitmap.Width, bitmap.Height));
        int w = Math.Max(1, (int)(bitmap.Width * scale)), h = Math.Max(1, (int)(bitmap.Height * scale));
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Black);
        using var paint = new SKPaint();
        if (!clear)
        {
            // Rec. 601 luma into every channel.
            float[] grey = [0.299f, 0.587f, 0.114f, 0, 0, 0.299f, 0.587f, 0.114f, 0, 0, 0.299f, 0.587f, 0.114f, 0, 0, 0, 0, 0, 1, 0];
            paint.ColorFilter = SKColorFilter.CreateColorMatrix(grey);
            float sigma = Math.Clamp(blurStrength, 0, 100) * Math.Max(w, h) / 400f;
            if (sigma > 0) paint.ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp);
        }
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), paint);
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }
}
