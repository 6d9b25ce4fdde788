using System.Runtime.CompilerServices;

namespace Safeguard.Hashing.Imaging.Jpeg;

/// <summary>Inverted (Adobe) CMYK to RGB as libjpeg-turbo's djpeg and SkiaSharp compute it.</summary>
internal static unsafe class Cmyk
{
    /// <summary>
    /// round(c x k / 255): djpeg's (int)(c * k / 255.0 + 0.5) and Skia's SkMulDiv255Round agree,
    /// as c x k / 255 is never exactly halfway (255 is odd).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Channel(int c, int k)
    {
        int prod = c * k + 128;
        return (prod + (prod >> 8)) >> 8;
    }

    /// <summary>True when every pixel converts to R = G = B (stops at the first that does not).</summary>
    public static bool AllGrey(byte* p, long count)
    {
        for (long i = 0; i < count; i++, p += 4)
        {
            int k = p[3];
            int r = Channel(p[0], k);
            if (r != Channel(p[1], k) || r != Channel(p[2], k)) return false;
        }
        return true;
    }

    /// <summary>In place: each pixel's grey value into one byte.</summary>
    public static void CompactToGrey(byte* p, long count)
    {
        for (long i = 0; i < count; i++) p[i] = (byte)Channel(p[4 * i], p[4 * i + 3]);
    }
}
