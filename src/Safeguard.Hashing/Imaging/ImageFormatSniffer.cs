namespace Safeguard.Hashing.Imaging;

public enum ImageFormat { Unknown, Jpeg, Png, Gif, Bmp, WebP, Ico, Wbmp, Heif, Avif }

/// <summary>Recognises image formats by their magic bytes, independent of the file name.</summary>
public static class ImageFormatSniffer
{
    public static ImageFormat Sniff(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ImageFormat.Jpeg;
        if (b.Length >= 8 && b[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return ImageFormat.Png;
        if (b.Length >= 6 && (b[..6].SequenceEqual("GIF87a"u8) || b[..6].SequenceEqual("GIF89a"u8))) return ImageFormat.Gif;
        if (b.Length >= 2 && b[0] == (byte)'B' && b[1] == (byte)'M') return ImageFormat.Bmp;
        if (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8)) return ImageFormat.WebP;
        if (b.Length >= 4 && b[0] == 0 && b[1] == 0 && (b[2] == 1 || b[2] == 2) && b[3] == 0) return ImageFormat.Ico;
        if (b.Length >= 12 && b.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = b.Slice(8, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return ImageFormat.Avif;
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)) return ImageFormat.Heif;
        }
        return ImageFormat.Unknown;
    }

    /// <summary>True when the bytes start like a video container (so callers can route them elsewhere).</summary>
    public static bool LooksLikeVideo(ReadOnlySpan<byte> b) =>
        (b.Length >= 12 && b.Slice(4, 4).SequenceEqual("ftyp"u8) && Sniff(b) == ImageFormat.Unknown)
        || (b.Length >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3)       // Matroska / WebM
        || (b.Length >= 12 && b[..4].SequenceEqual("RIFF"u8) && b.Slice(8, 4).SequenceEqual("AVI "u8))
        || (b.Length >= 3 && b[..3].SequenceEqual("FLV"u8));
}
