using System.Runtime.InteropServices;
using SkiaSharp;

namespace Safeguard.Hashing.Imaging;

/// <summary>
/// Decodes JPEG (libjpeg-turbo: accurate integer IDCT, fancy upsampling), PNG, GIF (first
/// frame), BMP, WebP and ICO through SkiaSharp into a buffer reused across images. One
/// instance per thread; the returned view is valid until the next call.
/// </summary>
public sealed unsafe partial class ImageDecoder : IDisposable
{
    private static readonly SKDataReleaseDelegate NoRelease = static (_, _) => { };

    private readonly DecodeOptions _options;
    private byte* _pixels;
    private long _pixelCapacity;
    private byte* _oriented;
    private long _orientedCapacity;

    public ImageDecoder(DecodeOptions? options = null) => _options = options ?? DecodeOptions.Default;

    public DecodeOptions Options => _options;

    /// <summary>Reads only the header: format and dimensions, no pixel memory.</summary>
    public static (ImageFormat Format, int Width, int Height) Probe(ReadOnlySpan<byte> encoded)
    {
        fixed (byte* p = encoded)
        {
            using var data = SKData.Create((IntPtr)p, encoded.Length, NoRelease, null);
            using var codec = OpenCodec(data, encoded);
            return (ImageFormatSniffer.Sniff(encoded), codec.Info.Width, codec.Info.Height);
        }
    }

    /// <exception cref="ImageDecodeException">Unsupported, corrupt, truncated or oversized input.</exception>
    public PixelView Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty) throw new ImageDecodeException("empty file");
        // Lossless, hierarchical and 12-bit JPEGs get past the header but fail mid-decode with
        // a vague error: name them first.
        if (ImageFormatSniffer.Sniff(encoded) == ImageFormat.Jpeg && Jpeg.JpegFrameHeader.Unsupported(encoded) is { } unsupported)
            throw new ImageDecodeException(unsupported);
        fixed (byte* p = encoded)
        {
            using var data = SKData.Create((IntPtr)p, encoded.Length, NoRelease, null);
            using var codec = OpenCodec(data, encoded);
            var info = codec.Info;
            int w = info.Width, h = info.Height;
            if (w <= 0 || h <= 0) throw new ImageDecodeException($"image has no pixels ({w}x{h})");
            if ((long)w * h > _options.MaxPixels)
                throw new ImageDecodeException($"image is {w}x{h} = {(long)w * h:N0} pixels, over the limit of {_options.MaxPixels:N0} (raise it with --max-pixels)");

            bool grey = info.ColorType == SKColorType.Gray8;
            var layout = grey ? PixelLayout.Gray8 : PixelLayout.Rgba8888;
            int rowBytes = w * PixelView.BytesPerPixel(layout);
            long size = (long)rowBytes * h;
            Ensure(ref _pixels, ref _pixelCapacity, size);

            var dstInfo = new SKImageInfo(w, h, grey ? SKColorType.Gray8 : SKColorType.Rgba8888,
                grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
            var result = codec.GetPixels(dstInfo, (IntPtr)_pixels, rowBytes, new SKCodecOptions(0));
            switch (result)
            {
                case SKCodecResult.Success: break;
                case SKCodecResult.IncompleteInput: throw new ImageDecodeException("truncated image data");
                case SKCodecResult.ErrorInInput: throw new ImageDecodeException("corrupt image data");
                default: throw new ImageDecodeException($"cannot decode image ({result})");
            }

            if (!grey && AllPixelsGrey(_pixels, (long)w * h))
            {
                // An RGB image whose pixels are all grey is hashed through the grey path, as the
                // reference's decoder chain stores such images as greyscale.
                CompactToGrey(_pixels, (long)w * h);
                layout = PixelLayout.Gray8;
                rowBytes = w;
            }

            var view = new PixelView(new ReadOnlySpan<byte>(_pixels, checked((int)((long)rowBytes * h))), w, h, rowBytes, layout);
            if (_options.ApplyExifOrientation && codec.EncodedOrigin != SKEncodedOrigin.TopLeft)
                view = Orient(view, codec.EncodedOrigin);
            return view;
        }
    }

    private static SKCodec OpenCodec(SKData data, ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty) throw new ImageDecodeException("empty file");
        var codec = SKCodec.Create(data);
        if (codec is not null) return codec;
        var format = ImageFormatSniffer.Sniff(encoded);
        if (format == ImageFormat.Unknown)
            throw new ImageDecodeException(ImageFormatSniffer.LooksLikeVideo(encoded)
                ? "unsupported format (video)" : "unsupported format (not a recognised image)");
        if (format == ImageFormat.Jpeg && Jpeg.JpegFrameHeader.Unsupported(encoded) is { } why) throw new ImageDecodeException(why);
        throw new ImageDecodeException($"corrupt or truncated {format.ToString().ToUpperInvariant()} header");
    }

    private static bool AllPixelsGrey(byte* p, long count)
    {
        uint* px = (uint*)p;
        for (long i = 0; i < count; i++)
        {
            uint v = px[i];
            byte r = (byte)v, g = (byte)(v >> 8), b = (byte)(v >> 16);
            if (r != g || g != b) return false;
        }
        return true;
    }

    private static void CompactToGrey(byte* p, long count)
    {
        for (long i = 0; i < count; i++) p[i] = p[4 * i];
    }

    /// <summary>Applies an EXIF orientation by copying into a second buffer.</summary>
    private PixelView Orient(PixelView src, SKEncodedOrigin origin)
    {
        int w = src.Width, h = src.Height, bpp = src.BytesPerPixel();
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int dw = swap ? h : w, dh = swap ? w : h;
        Ensure(ref _oriented, ref _orientedCapacity, (long)dw * dh * bpp);
        fixed (byte* s = src.Data)
        {
            for (int y = 0; y < dh; y++)
                for (int x = 0; x < dw; x++)
                {
                    (int sx, int sy) = origin switch
                    {
                        SKEncodedOrigin.TopRight => (w - 1 - x, y),
                        SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                        SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                        SKEncodedOrigin.LeftTop => (y, x),
                        SKEncodedOrigin.RightTop => (y, h - 1 - x),
                        SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                        SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                        _ => (x, y),
                    };
                    byte* from = s + (long)sy * src.RowBytes + (long)sx * bpp;
                    byte* to = _oriented + ((long)y * dw + x) * bpp;
                    for (int k = 0; k < bpp; k++) to[k] = from[k];
                }
        }
        return new PixelView(new ReadOnlySpan<byte>(_oriented, checked(dw * dh * bpp)), dw, dh, dw * bpp, src.Layout);
    }

    private static void Ensure(ref byte* buffer, ref long capacity, long size)
    {
        if (size <= capacity) return;
        if (buffer != null) NativeMemory.AlignedFree(buffer);
        buffer = HugePageBuffer.Alloc(size);
        capacity = size;
    }

    /// <summary>Native bytes held by the pixel buffers, which grow to the largest image decoded.</summary>
    public long RetainedBytes => _pixelCapacity + _orientedCapacity + _planeCapacity;

    /// <summary>Frees the pixel buffers (a large image's stay allocated otherwise); the decoder stays usable.</summary>
    public void ReleaseBuffers() => FreeAll();

    private void FreeAll()
    {
        FreeJpeg();
        if (_pixels != null) NativeMemory.AlignedFree(_pixels);
        if (_oriented != null) NativeMemory.AlignedFree(_oriented);
        _pixels = _oriented = null;
        _pixelCapacity = _orientedCapacity = 0;
    }

    public void Dispose()
    {
        FreeAll();
        GC.SuppressFinalize(this);
    }

    ~ImageDecoder() => FreeAll();
}
