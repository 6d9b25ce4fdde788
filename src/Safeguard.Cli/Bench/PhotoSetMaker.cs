using SkiaSharp;

namespace Safeguard.Cli.Bench;

/// <summary>
/// Builds a folder of full-size JPEG photos (about 2.6 megapixels each) from the large benign
/// photos of the reference test set: whole frames scaled down and crops at several offsets.
/// </summary>
public static class PhotoSetMaker
{
    public const int TargetWidth = 1920;
    public const int TargetHeight = 1360;

    public static IReadOnlyList<string> Make(IEnumerable<string> sources, string outDir, int count, int quality)
    {
        Directory.CreateDirectory(outDir);
        var bitmaps = sources.Select(path =>
        {
            var bmp = SKBitmap.Decode(path) ?? throw new InvalidOperationException($"{path}: cannot decode");
            return (Path.GetFileNameWithoutExtension(path), bmp);
        }).Where(b => b.bmp.Width >= TargetWidth && b.bmp.Height >= TargetHeight).ToList();
        if (bitmaps.Count == 0) throw new InvalidOperationException($"no source photo is at least {TargetWidth}x{TargetHeight}");

        var written = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var (name, src) = bitmaps[i % bitmaps.Count];
            int variant = i / bitmaps.Count;
            using var photo = Render(src, variant, TargetWidth, TargetHeight);
            string path = Path.Combine(outDir, $"photo-{i:D3}-{name}.jpg");
            using var data = photo.Encode(SKEncodedImageFormat.Jpeg, quality);
            using var fs = File.Create(path);
            data.SaveTo(fs);
            written.Add(path);
        }
        foreach (var (_, bmp) in bitmaps) bmp.Dispose();
        return written;
    }

    /// <summary>
    /// One photo of width x height from a source: variant 0 is the whole frame, others crops of
    /// growing size at offsets that walk across the frame.
    /// </summary>
    public static SKBitmap Render(SKBitmap src, int variant, int width, int height)
    {
        var photo = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(photo);
        SKRect from;
        if (variant == 0)
        {
            from = new SKRect(0, 0, src.Width, src.Height);
        }
        else
        {
            float scale = 1f + (variant % 4) * 0.25f;
            float w = Math.Min(src.Width, width * scale), h = Math.Min(src.Height, height * scale);
            float x = (src.Width - w) * ((variant * 37) % 100) / 100f;
            float y = (src.Height - h) * ((variant * 61) % 100) / 100f;
            from = new SKRect(x, y, x + w, y + h);
        }
        using var image = SKImage.FromBitmap(src);
        canvas.DrawImage(image, from, new SKRect(0, 0, width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        return photo;
    }
}
