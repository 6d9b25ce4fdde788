using SkiaSharp;

namespace Safeguard.Hashing.Tests;

/// <summary>Images the tests make: encodings of a test photo in chosen ways, and EXIF-tagged JPEGs.</summary>
public static class TestImages
{
    public static SKBitmap LoadBridge() =>
        SKBitmap.Decode(Path.Combine(TestData.Pdq, "bridge-mods", "aaa-orig.jpg")) ?? throw new InvalidOperationException("cannot decode the bridge photo");

    public static SKBitmap Resized(SKBitmap source, int width, int height)
    {
        var bmp = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(bmp);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear));
        return bmp;
    }

    public static byte[] Jpeg(SKBitmap bmp, int quality, SKJpegEncoderDownsample downsample = SKJpegEncoderDownsample.Downsample420)
    {
        using var pixmap = bmp.PeekPixels();
        using var data = pixmap.Encode(new SKJpegEncoderOptions(quality, downsample, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("JPEG encoding failed");
        return data.ToArray();
    }

    public static byte[] Png(SKBitmap bmp)
    {
        using var data = bmp.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>libjpeg-turbo's cjpeg with a sampling factor string such as "1x2" (4:4:0).</summary>
    public static byte[] CjpegFromPpm(SKBitmap bmp, string sample, string dir)
    {
        var ppm = Path.Combine(dir, $"src-{Guid.NewGuid():N}.ppm");
        using (var fs = File.Create(ppm))
        {
            var header = System.Text.Encoding.ASCII.GetBytes($"P6\n{bmp.Width} {bmp.Height}\n255\n");
            fs.Write(header);
            for (int y = 0; y < bmp.Height; y++)
                for (int x = 0; x < bmp.Width; x++)
                {
                    var c = bmp.GetPixel(x, y);
                    fs.WriteByte(c.Red); fs.WriteByte(c.Green); fs.WriteByte(c.Blue);
                }
        }
        var outPath = ppm + ".jpg";
        var psi = new System.Diagnostics.ProcessStartInfo("cjpeg") { RedirectStandardError = true };
        foreach (var a in new[] { "-quality", "90", "-sample", sample, "-outfile", outPath, ppm }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "cjpeg failed: " + p.StandardError.ReadToEnd());
        return File.ReadAllBytes(outPath);
    }

    /// <summary>Inserts a minimal EXIF APP1 segment carrying only the orientation tag.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,   // big-endian TIFF header, IFD at 8
            0, 1,                                     // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, // Orientation, SHORT, 1 value
            0, 0, 0, 0,                               // no next IFD
        ];
        var app1 = new List<byte> { 0xFF, 0xE1 };
        int length = 2 + 6 + tiff.Length;
        app1.Add((byte)(length >> 8)); app1.Add((byte)length);
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>
    /// The stored pixels a camera would write for an upright scene under an EXIF orientation:
    /// drawn with canvas transforms, independently of the decoder's own mapping.
    /// </summary>
    public static SKBitmap StoredForOrientation(SKBitmap upright, int orientation)
    {
        int w = upright.Width, h = upright.Height;
        bool swap = orientation >= 5;
        var stored = new SKBitmap(swap ? h : w, swap ? w : h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var canvas = new SKCanvas(stored);
        // Each matrix maps the upright image onto the stored one (the inverse of what a viewer applies).
        var m = orientation switch
        {
            2 => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            3 => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            4 => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            5 => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            6 => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),   // viewer rotates 90 clockwise
            7 => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            8 => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),   // viewer rotates 90 anticlockwise
            _ => SKMatrix.Identity,
        };
        canvas.SetMatrix(m);
        using var image = SKImage.FromBitmap(upright);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return stored;
    }
}
