using System.Runtime.InteropServices;
using Safeguard.Hashing.Imaging.Jpeg;

namespace Safeguard.Hashing.Imaging;

public sealed unsafe partial class ImageDecoder
{
    private const int PlaneSlack = 64; // gathers read up to 3 bytes past a sample
    private nint _tj;
    private byte* _planeBuffer;
    private long _planeCapacity;

    /// <summary>True when the system's libjpeg-turbo (libturbojpeg.so.0) could be loaded.</summary>
    public static bool SystemJpegAvailable => TurboJpeg.IsAvailable;

    /// <summary>
    /// Decodes a YCbCr or greyscale JPEG to its raw planes with the system's libjpeg-turbo.
    /// False when that path does not apply (library missing, CMYK, RGB or unusual sampling,
    /// or any decode problem): the caller then uses <see cref="Decode"/>, which also gives
    /// the user-facing error for a broken file.
    /// </summary>
    public bool TryDecodeJpegPlanes(ReadOnlySpan<byte> encoded, out YccPlanes planes)
    {
        planes = default;
        fixed (byte* jpeg = encoded)
        {
            if (!TryReadJpegHeader(jpeg, encoded, out int w, out int h, out int samp, out int cs)) return false;
            (int subX, int subY) = samp switch
            {
                TurboJpeg.Samp444 => (1, 1),
                TurboJpeg.Samp422 => (2, 1),
                TurboJpeg.Samp420 => (2, 2),
                TurboJpeg.Samp440 => (1, 2),
                TurboJpeg.SampGray => (0, 0),
                _ => (-1, -1),
            };
            bool grey = samp == TurboJpeg.SampGray;
            if (subX < 0 || (grey ? cs != TurboJpeg.ColorspaceGray : cs != TurboJpeg.ColorspaceYCbCr)) return false;

            int components = grey ? 1 : 3;
            int* strides = stackalloc int[3];
            long* offsets = stackalloc long[3];
            long total = 0;
            for (int i = 0; i < components; i++)
            {
                strides[i] = TurboJpeg.PlaneWidth(i, w, samp);
                offsets[i] = total;
                total += (long)strides[i] * TurboJpeg.PlaneHeight(i, h, samp) + PlaneSlack;
            }
            if (_planeCapacity < total)
            {
                if (_planeBuffer != null) NativeMemory.AlignedFree(_planeBuffer);
                _planeBuffer = HugePageBuffer.Alloc(total);
                _planeCapacity = total;
            }
            byte** dst = stackalloc byte*[3];
            for (int i = 0; i < components; i++) dst[i] = _planeBuffer + offsets[i];
            // Flags 0: accurate integer IDCT, as libjpeg's defaults; warnings (truncation) fail.
            if (TurboJpeg.DecompressToPlanes(_tj, jpeg, (nuint)encoded.Length, dst, w, strides, h, 0) != 0)
                return false;
            planes = grey
                ? new YccPlanes(w, h, 1, 1, dst[0], strides[0], null, null, 0)
                : new YccPlanes(w, h, subX, subY, dst[0], strides[0], dst[1], dst[2], strides[1]);
            return true;
        }
    }

    /// <summary>
    /// Decodes a YCbCr or greyscale JPEG at the smallest of 1/8, 1/4 and 1/2 scale that keeps
    /// both sides at least <paramref name="minSide"/> pixels. False when that does not apply.
    /// </summary>
    public bool TryDecodeJpegScaled(ReadOnlySpan<byte> encoded, int minSide, out PixelView pixels)
    {
        pixels = default;
        fixed (byte* jpeg = encoded)
        {
            if (!TryReadJpegHeader(jpeg, encoded, out int w, out int h, out _, out int cs)) return false;
            if (cs != TurboJpeg.ColorspaceYCbCr && cs != TurboJpeg.ColorspaceGray) return false;
            int denom = 1;
            foreach (int d in new[] { 8, 4, 2 })
                if ((w + d - 1) / d >= minSide && (h + d - 1) / d >= minSide) { denom = d; break; }
            int sw = (w + denom - 1) / denom, sh = (h + denom - 1) / denom;
            Ensure(ref _pixels, ref _pixelCapacity, 4L * sw * sh);
            if (TurboJpeg.Decompress(_tj, jpeg, (nuint)encoded.Length, _pixels, sw, 4 * sw, sh, TurboJpeg.PixelFormatRgba, 0) != 0)
                return false;
            pixels = new PixelView(new ReadOnlySpan<byte>(_pixels, checked(4 * sw * sh)), sw, sh, 4 * sw, PixelLayout.Rgba8888);
            return true;
        }
    }

    /// <summary>
    /// Decodes a CMYK or YCCK JPEG to its inverted CMYK pixels with the system's libjpeg-turbo,
    /// leaving the conversion to RGB to the pixels the hash reads. A picture whose pixels all
    /// convert to grey comes back as grey, as <see cref="Decode"/> gives it. False when that
    /// path does not apply; <see cref="Decode"/> then decodes or explains.
    /// </summary>
    public bool TryDecodeJpegCmyk(ReadOnlySpan<byte> encoded, out PixelView pixels)
    {
        pixels = default;
        fixed (byte* jpeg = encoded)
        {
            if (!TryReadJpegHeader(jpeg, encoded, out int w, out int h, out _, out int cs)) return false;
            if (cs != TurboJpeg.ColorspaceCmyk && cs != TurboJpeg.ColorspaceYcck) return false;
            long count = (long)w * h;
            Ensure(ref _pixels, ref _pixelCapacity, 4 * count);
            if (TurboJpeg.Decompress(_tj, jpeg, (nuint)encoded.Length, _pixels, w, 4 * w, h, TurboJpeg.PixelFormatCmyk, 0) != 0)
                return false;
            if (Cmyk.AllGrey(_pixels, count))
            {
                Cmyk.CompactToGrey(_pixels, count);
                pixels = new PixelView(new ReadOnlySpan<byte>(_pixels, checked((int)count)), w, h, w, PixelLayout.Gray8);
            }
            else
            {
                pixels = new PixelView(new ReadOnlySpan<byte>(_pixels, checked((int)(4 * count))), w, h, 4 * w, PixelLayout.InvertedCmyk8888);
            }
            return true;
        }
    }

    /// <summary>A JPEG's header through the system library, within the pixel limit; false when that path does not apply.</summary>
    private bool TryReadJpegHeader(byte* jpeg, ReadOnlySpan<byte> encoded, out int w, out int h, out int samp, out int cs)
    {
        w = h = samp = cs = 0;
        if (!_options.UseSystemJpeg || encoded.Length < 3 || ImageFormatSniffer.Sniff(encoded) != ImageFormat.Jpeg || !TurboJpeg.IsAvailable)
            return false;
        if (_tj == 0) _tj = TurboJpeg.InitDecompress();
        if (_tj == 0 || TurboJpeg.DecompressHeader(_tj, jpeg, (nuint)encoded.Length, out w, out h, out samp, out cs) != 0)
            return false;
        return w > 0 && h > 0 && (long)w * h <= _options.MaxPixels;
    }

    /// <summary>Full pixels from planes: grey as is, colour through libjpeg's upsampling and conversion.</summary>
    public PixelView ToPixels(in YccPlanes planes, bool greyIfNeutral = true)
    {
        int w = planes.Width, h = planes.Height;
        if (planes.Cb == null)
            return new PixelView(new ReadOnlySpan<byte>(planes.Y, checked(planes.YStride * (h - 1) + w)), w, h, planes.YStride, PixelLayout.Gray8);
        long size = 4L * w * h;
        Ensure(ref _pixels, ref _pixelCapacity, size);
        for (int y = 0; y < h; y++) YccToRgb.ConvertRow(planes, y, _pixels + 4L * w * y);
        if (greyIfNeutral && AllPixelsGrey(_pixels, (long)w * h))
        {
            CompactToGrey(_pixels, (long)w * h);
            return new PixelView(new ReadOnlySpan<byte>(_pixels, checked(w * h)), w, h, w, PixelLayout.Gray8);
        }
        return new PixelView(new ReadOnlySpan<byte>(_pixels, checked((int)size)), w, h, 4 * w, PixelLayout.Rgba8888);
    }

    /// <summary>True when the planes hold colour whose pixels are not all grey.</summary>
    public static bool HasColour(in YccPlanes planes) => planes.Cb != null && !YccToRgb.IsGrey(planes);

    private void FreeJpeg()
    {
        // A failed destroy leaves nothing to retry: the handle is dropped either way.
        if (_tj != 0) _ = TurboJpeg.Destroy(_tj);
        _tj = 0;
        if (_planeBuffer != null) NativeMemory.AlignedFree(_planeBuffer);
        _planeBuffer = null;
        _planeCapacity = 0;
    }
}
