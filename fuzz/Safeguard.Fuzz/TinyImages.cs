using System.Buffers.Binary;

namespace Safeguard.Fuzz;

/// <summary>Formats SkiaSharp cannot encode, written by hand for seed corpora.</summary>
public static class TinyImages
{
    /// <summary>A 24-bit bottom-up BMP with a gradient.</summary>
    public static byte[] Bmp(int width, int height)
    {
        int row = (width * 3 + 3) & ~3;
        var b = new byte[54 + row * height];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), row * height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int o = 54 + y * row + x * 3;
                b[o] = (byte)(x * 60); b[o + 1] = (byte)(y * 80); b[o + 2] = (byte)(255 - x * 30);
            }
        return b;
    }

    /// <summary>A 2x2 GIF89a with a four-colour palette.</summary>
    public static byte[] Gif => Convert.FromHexString(
        "474946383961020002008100000000FF0000FF00FFFFFF21F90400000000002C00000000020002000002028451003B");

    /// <summary>An ICO whose single entry is the given PNG.</summary>
    public static byte[] IcoAround(byte[] png, int width, int height)
    {
        var b = new byte[6 + 16 + png.Length];
        b[2] = 1; b[4] = 1;
        b[6] = (byte)width; b[7] = (byte)height;
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(10), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(12), 32);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), png.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), 22);
        png.CopyTo(b, 22);
        return b;
    }
}
