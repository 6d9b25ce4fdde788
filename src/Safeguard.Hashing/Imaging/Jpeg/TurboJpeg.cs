using System.Runtime.InteropServices;

namespace Safeguard.Hashing.Imaging.Jpeg;

/// <summary>
/// The system's libjpeg-turbo through its TurboJPEG API (Debian's libturbojpeg0), which is
/// built with SIMD. TurboJPEG keeps libjpeg's setjmp error handling inside C, so a corrupt
/// file returns an error code instead of unwinding through managed frames.
/// </summary>
internal static unsafe partial class TurboJpeg
{
    public const string Library = "libturbojpeg.so.0";

    public const int SampGray = 3;
    public const int Samp444 = 0, Samp422 = 1, Samp420 = 2, Samp440 = 4;
    public const int ColorspaceYCbCr = 1, ColorspaceGray = 2, ColorspaceCmyk = 3, ColorspaceYcck = 4;

    private static readonly Lazy<bool> Loaded = new(() =>
    {
        try
        {
            return NativeLibrary.TryLoad(Library, typeof(TurboJpeg).Assembly, null, out _);
        }
        catch (Exception)
        {
            return false;
        }
    });

    /// <summary>False when the library is not installed: callers fall back to another decoder.</summary>
    public static bool IsAvailable => Loaded.Value;

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial nint InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(nint handle);

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader(nint handle, byte* jpeg, nuint size, out int width, out int height, out int subsamp, out int colorspace);

    [LibraryImport(Library, EntryPoint = "tjDecompressToYUVPlanes")]
    public static partial int DecompressToPlanes(nint handle, byte* jpeg, nuint size, byte** planes, int width, int* strides, int height, int flags);

    public const int PixelFormatRgba = 7;

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static partial int Decompress(nint handle, byte* jpeg, nuint size, byte* dst, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library, EntryPoint = "tjPlaneWidth")]
    public static partial int PlaneWidth(int component, int width, int subsamp);

    [LibraryImport(Library, EntryPoint = "tjPlaneHeight")]
    public static partial int PlaneHeight(int component, int height, int subsamp);

    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    public static partial nint GetErrorString(nint handle);

    public static string ErrorOf(nint handle) => Marshal.PtrToStringUTF8(GetErrorString(handle)) ?? "unknown error";

    [LibraryImport(Library, EntryPoint = "tjInitCompress")]
    public static partial nint InitCompress();

    [LibraryImport(Library, EntryPoint = "tjCompress2")]
    public static partial int Compress(nint handle, byte* src, int width, int pitch, int height, int pixelFormat, byte** jpeg, nuint* size, int subsamp, int quality, int flags);

    [LibraryImport(Library, EntryPoint = "tjFree")]
    public static partial void Free(byte* buffer);

    public const int PixelFormatCmyk = 11;
}
