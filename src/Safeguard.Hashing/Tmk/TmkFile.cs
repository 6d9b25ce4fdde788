using System.Buffers.Binary;
using System.Text;

namespace Safeguard.Hashing.Tmk;

/// <summary>A <c>.tmk</c> file that cannot be read: truncated, corrupt, or of another kind.</summary>
public sealed class TmkFormatException(string message) : Exception(message);

/// <summary>
/// Meta's binary <c>.tmk</c> (feature-vector) file, little-endian throughout: a 32-byte header
/// (<c>TMK1</c>, <c>FVEC</c>, the frame algorithm's magic, frames per second, period count P,
/// coefficient count C, dimension D, frame count), then P int periods, C float coefficients,
/// D float pure-average feature, P x C x D cosine floats and P x C x D sine floats.
/// </summary>
public static class TmkFile
{
    public const int HeaderBytes = 32;
    private const int MaxPeriods = 64, MaxCoefficients = 1024, MaxDimension = 4096, MaxPeriod = 10_000_000;

    /// <summary>The largest file <see cref="Read(ReadOnlySpan{byte}, string)"/> takes (the limits on P, C and D bound it far above real files).</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>The size of a standard TMK+PDQF file (4 periods, 32 coefficients, 256 dimensions): 263,344 bytes.</summary>
    public static int StandardBytes => SizeOf(4, 32, 256);

    public static int SizeOf(int periods, int coefficients, int dimension) =>
        checked(HeaderBytes + 4 * periods + 4 * coefficients + 4 * dimension + 2 * 4 * periods * coefficients * dimension);

    public static TmkFeatures ReadFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: no such file", path);
        if (info.Length > MaxBytes) throw new TmkFormatException($"{path}: {info.Length} bytes is larger than any .tmk file ({MaxBytes} at most)");
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a whole <c>.tmk</c> file; <paramref name="name"/> names it in errors.</summary>
    public static TmkFeatures Read(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < HeaderBytes) throw new TmkFormatException($"{name}: {bytes.Length} bytes is too short for a .tmk header ({HeaderBytes})");
        if (!bytes[..4].SequenceEqual("TMK1"u8) || !bytes[4..8].SequenceEqual("FVEC"u8))
            throw new TmkFormatException($"{name}: not a TMK feature-vector file (magic '{Printable(bytes[..8])}', expected 'TMK1FVEC')");
        string algorithm = Printable(bytes[8..12]);
        if (algorithm != TmkParameters.PdqfAlgorithm)
            throw new TmkFormatException($"{name}: frame algorithm '{algorithm}' is not supported (only {TmkParameters.PdqfAlgorithm})");
        int fps = Int(bytes, 12), p = Int(bytes, 16), c = Int(bytes, 20), d = Int(bytes, 24), frames = Int(bytes, 28);
        if (fps is <= 0 or > 1000) throw new TmkFormatException($"{name}: frame rate {fps} is out of range");
        if (p is < 0 or > MaxPeriods || c is < 0 or > MaxCoefficients || d is <= 0 or > MaxDimension)
            throw new TmkFormatException($"{name}: header sizes out of range (periods {p}, coefficients {c}, dimension {d})");
        if (frames < 0) throw new TmkFormatException($"{name}: negative frame count {frames}");
        // In long: sizes within the limits can still overflow an int (64 x 1024 x 4096 x 8 bytes is 2 GiB).
        long size = HeaderBytes + 4L * p + 4L * c + 4L * d + 8L * p * c * d;
        if (bytes.Length < size) throw new TmkFormatException($"{name}: truncated ({bytes.Length} of {size} bytes)");
        if (bytes.Length > size) throw new TmkFormatException($"{name}: {bytes.Length - size} bytes after the end of the hash ({size} bytes)");
        int at = HeaderBytes;
        var periods = new int[p];
        for (int i = 0; i < p; i++, at += 4)
        {
            periods[i] = Int(bytes, at);
            if (periods[i] is <= 0 or > MaxPeriod) throw new TmkFormatException($"{name}: period {i} is {periods[i]}");
        }
        var coefficients = Floats(bytes, ref at, c, name, "Fourier coefficients");
        var pure = Floats(bytes, ref at, d, name, "pure-average feature");
        var cos = Floats(bytes, ref at, p * c * d, name, "cosine features");
        var sin = Floats(bytes, ref at, p * c * d, name, "sine features");
        return new TmkFeatures(algorithm, fps, frames, periods, coefficients, pure, cos, sin);
    }

    public static byte[] ToBytes(TmkFeatures f)
    {
        int p = f.Periods.Length, c = f.FourierCoefficients.Length, d = f.Dimension;
        var bytes = new byte[SizeOf(p, c, d)];
        var span = bytes.AsSpan();
        "TMK1"u8.CopyTo(span);
        "FVEC"u8.CopyTo(span[4..]);
        Encoding.ASCII.GetBytes(f.Algorithm.PadRight(4).AsSpan(0, 4), span[8..12]);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], f.FramesPerSecond);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], p);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], c);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], d);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], f.FrameFeatureCount);
        int at = HeaderBytes;
        foreach (int period in f.Periods) { BinaryPrimitives.WriteInt32LittleEndian(span[at..], period); at += 4; }
        foreach (var part in new[] { f.FourierCoefficients, f.PureAverage, f.Cos, f.Sin })
            foreach (float v in part) { BinaryPrimitives.WriteSingleLittleEndian(span[at..], v); at += 4; }
        return bytes;
    }

    /// <summary>Writes through a temporary file renamed into place, so a reader never sees half a file.</summary>
    public static void WriteFile(string path, TmkFeatures f)
    {
        var full = Path.GetFullPath(path);
        var tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(tmp, ToBytes(f));
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static int Int(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadInt32LittleEndian(b[at..]);

    private static float[] Floats(ReadOnlySpan<byte> b, ref int at, int count, string name, string what)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++, at += 4)
        {
            float v = BinaryPrimitives.ReadSingleLittleEndian(b[at..]);
            if (!float.IsFinite(v)) throw new TmkFormatException($"{name}: {what} hold a value that is not a finite number");
            values[i] = v;
        }
        return values;
    }

    private static string Printable(ReadOnlySpan<byte> magic)
    {
        var sb = new StringBuilder(magic.Length);
        foreach (byte b in magic) sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        return sb.ToString();
    }
}
