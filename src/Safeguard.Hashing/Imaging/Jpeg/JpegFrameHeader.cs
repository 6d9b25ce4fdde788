namespace Safeguard.Hashing.Imaging.Jpeg;

/// <summary>
/// Reads a JPEG's frame header (SOFn marker) to say why a file the JPEG library rejects is not
/// decoded: lossless, hierarchical and 12- or 16-bit JPEGs are valid files that libjpeg-turbo
/// 2.1 (Debian 12's, and SkiaSharp's) cannot decode, which is not the same as a corrupt one.
/// </summary>
public static class JpegFrameHeader
{
    /// <summary>The frame's marker (0xC0..0xCF less DHT, JPG and DAC) and sample precision; null when none is found.</summary>
    public static (byte Marker, int Precision)? Read(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return null;
        int i = 2;
        while (i + 4 <= jpeg.Length)
        {
            if (jpeg[i] != 0xFF) return null;
            byte marker = jpeg[i + 1];
            if (marker == 0xFF) { i++; continue; } // fill byte
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7)) { i += 2; continue; } // no length
            if (marker is 0xD9 or 0xDA) return null; // end of image or scan before any frame
            int length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (length < 2) return null;
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return i + 4 < jpeg.Length ? (marker, jpeg[i + 4]) : null;
            i += 2 + length;
        }
        return null;
    }

    /// <summary>Why the frame cannot be decoded here, or null when it is a kind the library decodes.</summary>
    public static string? Unsupported(ReadOnlySpan<byte> jpeg)
    {
        if (Read(jpeg) is not var (marker, precision)) return null;
        string? process = marker switch
        {
            0xC3 or 0xCB => "lossless JPEG",
            0xC5 or 0xC6 or 0xC7 or 0xCD or 0xCE or 0xCF => "hierarchical JPEG",
            _ => null,
        };
        if (process is not null)
            return $"{process} (SOF marker 0x{marker:X2}, {precision}-bit) is not supported: the JPEG library (libjpeg-turbo 2.1) decodes only 8-bit DCT JPEGs";
        if (precision != 8)
            return $"{precision}-bit JPEG (SOF marker 0x{marker:X2}) is not supported: the JPEG library (libjpeg-turbo 2.1) decodes only 8-bit samples";
        return null;
    }
}
