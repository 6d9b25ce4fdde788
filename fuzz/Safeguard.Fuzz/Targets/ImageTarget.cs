using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using SkiaSharp;

namespace Safeguard.Fuzz.Targets;

/// <summary>
/// Image sniffing, header probing, decoding and PDQ through <see cref="FileHasher.HashBytes"/>, with the
/// default options and with the ones that take other code paths (EXIF orientation, Skia's JPEG
/// decoder, unletterboxing, dihedral hashes, reduced-scale JPEG, full-resolution PDQ).
/// <see cref="ImageDecodeException"/> is the documented error; HashBytes turns it into a result error.
/// </summary>
public sealed class ImageTarget : IFuzzTarget, IDisposable
{
    /// <summary>Lower than the product's 100 M pixel default so a header claiming a huge image costs little time.</summary>
    public const long FuzzMaxPixels = 4_000_000;

    private readonly FileHasher[] _hashers =
    [
        new(new FileHashOptions { Decode = new DecodeOptions { MaxPixels = FuzzMaxPixels } }),
        new(new FileHashOptions
        {
            Decode = new DecodeOptions { MaxPixels = FuzzMaxPixels, ApplyExifOrientation = true, UseSystemJpeg = false },
            Unletterbox = true, Dihedral = true, Sizing = PdqSizing.FullResolution,
        }),
        new(new FileHashOptions { Decode = new DecodeOptions { MaxPixels = FuzzMaxPixels, ReducedScaleJpeg = true } }),
    ];

    public string Name => "image";
    public string Description => "ImageFormatSniffer, ImageDecoder.Probe and FileHasher.HashBytes (decode + PDQ)";

    public void Run(ReadOnlySpan<byte> input)
    {
        ImageFormatSniffer.Sniff(input);
        ImageFormatSniffer.LooksLikeVideo(input);
        try { ImageDecoder.Probe(input); }
        catch (ImageDecodeException) { }
        foreach (var hasher in _hashers)
        {
            var result = new FileHashResult { Path = "fuzz-input" };
            hasher.HashBytes(input, result);
            if (result.Md5 is null) throw new InvalidOperationException("HashBytes returned without the exact hashes");
            if (result.Pdq is null && result.Error is null) throw new InvalidOperationException("HashBytes gave neither a PDQ hash nor an error");
        }
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(24, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 24; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 10), (byte)(y * 15), (byte)((x + y) * 6), (byte)(255 - x)));
        using var image = SKImage.FromBitmap(bitmap);
        byte[] Encode(SKEncodedImageFormat f, int q) { using var d = image.Encode(f, q); return d.ToArray(); }
        var png = Encode(SKEncodedImageFormat.Png, 100);
        yield return ("tiny.png", png);
        yield return ("tiny.jpg", Encode(SKEncodedImageFormat.Jpeg, 80));
        yield return ("tiny.webp", Encode(SKEncodedImageFormat.Webp, 80));
        yield return ("tiny.bmp", TinyImages.Bmp(4, 3));
        yield return ("tiny.gif", TinyImages.Gif);
        yield return ("tiny.ico", TinyImages.IcoAround(png, 24, 16));
        foreach (var f in SeedSources.SmallFiles(Path.Combine(sources.TestData, "pdq"), "*.jpg", 3)) yield return f;
    }

    public IEnumerable<string> Dictionary =>
    [
        "\xFF\xD8\xFF", "\xFF\xE1", "Exif\0\0", "MM\0*", "II*\0", "\xFF\xC0", "\xFF\xC2", "\xFF\xC4", "\xFF\xDB", "\xFF\xDA", "\xFF\xD9",
        "\x89PNG\r\n\x1A\n", "IHDR", "IDAT", "IEND", "PLTE", "tRNS", "eXIf", "acTL", "fcTL",
        "GIF89a", "NETSCAPE2.0", "RIFF", "WEBP", "VP8 ", "VP8L", "VP8X", "ANIM", "ANMF", "BM", "ftyp", "avif", "heic",
    ];

    public void Dispose()
    {
        foreach (var h in _hashers) h.Dispose();
    }
}
