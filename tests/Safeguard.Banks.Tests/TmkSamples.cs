using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Safeguard.Banks.Tests;

/// <summary>
/// Meta's reference <c>.tmk</c> files and hand-built variants of them. The layout is written out
/// here from Meta's format description, not taken from the reader under test.
/// </summary>
internal static class TmkSamples
{
    public const int StandardBytes = 263_344;
    /// <summary>Where the pure-average feature starts in a standard file: header, 4 periods, 32 coefficients.</summary>
    public const int PureAverageOffset = 32 + 4 * 4 + 4 * 32;
    public const int PureAverageBytes = 256 * 4;

    public static IEnumerable<string> Names =>
        Directory.EnumerateFiles(Safeguard.TestSupport.TestData.Tmk, "*.tmk").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static byte[] Bytes(string name) => File.ReadAllBytes(Safeguard.TestSupport.TestData.TmkFile(name));

    public static string Base64(string name) => Convert.ToBase64String(Bytes(name));

    public static byte[] PureAverage(string name) => Bytes(name).AsSpan(PureAverageOffset, PureAverageBytes).ToArray();

    /// <summary>The 256 pure-average floats as comma-separated round-trip numbers.</summary>
    public static string PureAverageNumbers(string name)
    {
        var bytes = PureAverage(name);
        return string.Join(",", Enumerable.Range(0, 256).Select(i =>
            BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i)).ToString("R", CultureInfo.InvariantCulture)));
    }

    /// <summary>What a level-1-only value is kept as: a .tmk with no periods and no coefficients.</summary>
    public static byte[] Level1OnlyFile(byte[] pureAverage)
    {
        var file = new byte[32 + pureAverage.Length];
        Header(file, "PDQF", fps: 15, periods: 0, coefficients: 0, dimension: pureAverage.Length / 4, frames: 0);
        pureAverage.CopyTo(file, 32);
        return file;
    }

    public static void Header(Span<byte> file, string algorithm, int fps, int periods, int coefficients, int dimension, int frames)
    {
        Encoding.ASCII.GetBytes("TMK1FVEC" + algorithm, file);
        BinaryPrimitives.WriteInt32LittleEndian(file[12..], fps);
        BinaryPrimitives.WriteInt32LittleEndian(file[16..], periods);
        BinaryPrimitives.WriteInt32LittleEndian(file[20..], coefficients);
        BinaryPrimitives.WriteInt32LittleEndian(file[24..], dimension);
        BinaryPrimitives.WriteInt32LittleEndian(file[28..], frames);
    }

    /// <summary>A copy of a reference file with one edit applied.</summary>
    public static byte[] Edited(string name, Action<byte[]> edit)
    {
        var bytes = Bytes(name);
        edit(bytes);
        return bytes;
    }
}
