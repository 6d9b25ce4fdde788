using Safeguard.Hashing.Pdq;
using Safeguard.Video.Vpdq;
using SkiaSharp;

namespace Safeguard.Server.Media;

/// <summary>
/// A matched video's course as one still image: up to six frames spread over the video, in cells three
/// to a row. Reviewers see it only blurred and greyscale; nothing moves and there is no sound.
/// </summary>
public static class KeyframeStrip
{
    public const int MaxFrames = 6, Columns = 3, CellWidth = 320, CellHeight = 180, Gap = 8;

    /// <summary>
    /// Times spread evenly over the sampled frames of useful quality (all frames when none is), first and
    /// last included; fewer than two means a strip would add nothing to the one held frame.
    /// </summary>
    public static IReadOnlyList<double> ChooseSeconds(IReadOnlyList<VpdqFrame> frames, int count = MaxFrames)
    {
        var useful = frames.Where(f => f.Quality >= PdqResult.MinimumUsefulQuality).Select(f => f.Timestamp).Distinct().Order().ToList();
        if (useful.Count == 0) useful = frames.Select(f => f.Timestamp).Distinct().Order().ToList();
        if (useful.Count <= count) return useful;
        return Enumerable.Range(0, count).Select(i => useful[(int)Math.Round(i * (useful.Count - 1) / (double)(count - 1))]).ToList();
    }

    /// <summary>The frames (PNG or any decodable image) laid out in cells, each scaled to fit and centred; null when none decodes.</summary>
    public static byte[]? Compose(IReadOnlyList<byte[]> images)
    {
        var bitmaps = images.Take(MaxFrames).Select(DecodeOrNull).OfType<SKBitmap>().ToList();
        try
        {
            if (bitmaps.Count == 0) return null;
            int columns = Math.Min(Columns, bitmaps.Count), rows = (bitmaps.Count + Columns - 1) / Columns;
            using var sheet = new SKBitmap(columns * CellWidth + (columns - 1) * Gap, rows * CellHeight + (rows - 1) * Gap);
            using (var canvas = new SKCanvas(sheet))
            {
                canvas.Clear(SKColors.Black);
                using var paint = new SKPaint { IsAntialias = true };
                for (int i = 0; i < bitmaps.Count; i++)
                {
                    var b = bitmaps[i];
                    float scale = Math.Min(CellWidth / (float)b.Width, CellHeight / (float)b.Height);
                    float w = b.Width * scale, h = b.Height * scale;
                    float x = (i % Columns) * (CellWidth + Gap) + (CellWidth - w) / 2, y = (i / Columns) * (CellHeight + Gap) + (CellHeight - h) / 2;
                    using var image = SKImage.FromBitmap(b);
                    canvas.DrawImage(image, SKRect.Create(x, y, w, h), new SKSamplingOptions(SKFilterMode.Linear), paint);
                }
            }
            using var data = sheet.Encode(SKEncodedImageFormat.Png, 100);
            return data.ToArray();
        }
        finally
        {
            foreach (var b in bitmaps) b.Dispose();
        }
    }

    /// <summary>
    /// The strip as reviewers see it: greyscale, each cell blurred on its own at the reviewer's strength (relative
    /// to the cell, as a single frame's blur is to the frame), so the frames stay apart; null when it does not decode.
    /// </summary>
    public static byte[]? RenderBlurred(byte[] strip, int blurStrength)
    {
        using var sheet = DecodeOrNull(strip);
        if (sheet is null) return null;
        using var surface = SKSurface.Create(new SKImageInfo(sheet.Width, sheet.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Black);
        using var image = SKImage.FromBitmap(sheet);
        float sigma = Math.Clamp(blurStrength, 4, 100) * CellWidth / 400f;
        using var paint = new SKPaint
        {
            ColorFilter = SKColorFilter.CreateColorMatrix(Preview.Greyscale),
            ImageFilter = SKImageFilter.CreateBlur(sigma, sigma, SKShaderTileMode.Clamp),
        };
        for (int y = 0; y < sheet.Height; y += CellHeight + Gap)
            for (int x = 0; x < sheet.Width; x += CellWidth + Gap)
            {
                canvas.Save();
                canvas.ClipRect(SKRect.Create(x, y, CellWidth, CellHeight));
                canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
                canvas.Restore();
            }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    private static SKBitmap? DecodeOrNull(byte[] image)
    {
        using var codec = image.Length == 0 ? null : SKCodec.Create(new SKMemoryStream(image));
        return codec is null ? null : SKBitmap.Decode(codec);
    }
}
