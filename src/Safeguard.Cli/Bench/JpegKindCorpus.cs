using System.Diagnostics;
using Safeguard.Hashing.Imaging.Jpeg;
using SkiaSharp;

namespace Safeguard.Cli.Bench;

/// <summary>
/// Builds a benchmark corpus with one folder per kind of JPEG (chroma layouts, greyscale,
/// progressive, arithmetic-coded, CMYK, large) from real photos, encoded by libjpeg-turbo's
/// cjpeg with explicit sampling factors, plus a mixed folder whose large images come last.
/// </summary>
public static class JpegKindCorpus
{
    /// <summary>A kind: its folder name, what it is, and how it is encoded.</summary>
    public sealed record Kind(string Name, string Description, string[] CjpegArgs, bool Large = false, bool Cmyk = false);

    public static IReadOnlyList<Kind> Kinds { get; } =
    [
        new("420", "baseline 4:2:0", ["-sample", "2x2,1x1,1x1"]),
        new("422", "baseline 4:2:2", ["-sample", "2x1,1x1,1x1"]),
        new("444", "baseline 4:4:4", ["-sample", "1x1,1x1,1x1"]),
        new("grey", "baseline greyscale", ["-grayscale"]),
        new("progressive", "progressive 4:2:0", ["-sample", "2x2,1x1,1x1", "-progressive"]),
        new("arithmetic", "arithmetic-coded 4:2:0", ["-sample", "2x2,1x1,1x1", "-arithmetic"]),
        new("cmyk", "Adobe CMYK (YCCK, 4:4:4:4)", [], Cmyk: true),
        new("large", "baseline 4:2:0, 24 MP", ["-sample", "2x2,1x1,1x1"], Large: true),
    ];

    public const string MixedFolder = "mixed";
    public const int LargeWidth = 6000, LargeHeight = 4000;

    /// <summary>Writes OUT/&lt;kind&gt;/*.jpg for every kind and OUT/mixed; returns files per folder.</summary>
    public static IReadOnlyDictionary<string, int> Make(IEnumerable<string> sources, string outDir, int perKind, int largeCount, int quality, string cjpeg)
    {
        if (!File.Exists(cjpeg)) throw new InvalidOperationException($"{cjpeg}: not found (install libjpeg-turbo-progs)");
        Directory.CreateDirectory(outDir);
        var bitmaps = sources.Select(path =>
        {
            var bmp = SKBitmap.Decode(path) ?? throw new InvalidOperationException($"{path}: cannot decode");
            return (Path.GetFileNameWithoutExtension(path), bmp);
        }).Where(b => b.bmp.Width >= PhotoSetMaker.TargetWidth && b.bmp.Height >= PhotoSetMaker.TargetHeight).ToList();
        if (bitmaps.Count == 0) throw new InvalidOperationException($"no source photo is at least {PhotoSetMaker.TargetWidth}x{PhotoSetMaker.TargetHeight}");

        var counts = new Dictionary<string, int>();
        var mixed = new List<string>();
        string ppm = Path.Combine(outDir, $".source-{Environment.ProcessId}.ppm");
        try
        {
            foreach (var kind in Kinds)
            {
                int n = kind.Large ? largeCount : perKind;
                if (n == 0) continue;
                string dir = Path.Combine(outDir, kind.Name);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < n; i++)
                {
                    var (name, src) = bitmaps[i % bitmaps.Count];
                    int variant = i / bitmaps.Count + (kind.Large ? 0 : Array.IndexOf(Kinds.ToArray(), kind));
                    (int w, int h) = kind.Large ? (LargeWidth, LargeHeight) : (PhotoSetMaker.TargetWidth, PhotoSetMaker.TargetHeight);
                    using var photo = PhotoSetMaker.Render(src, variant, w, h);
                    string path = Path.Combine(dir, $"{kind.Name}-{i:D3}-{name}.jpg");
                    if (kind.Cmyk)
                    {
                        WriteCmyk(photo, path, quality);
                    }
                    else
                    {
                        WritePpm(photo, ppm);
                        RunCjpeg(cjpeg, [.. kind.CjpegArgs, "-quality", quality.ToString(System.Globalization.CultureInfo.InvariantCulture), "-outfile", path, ppm]);
                    }
                    if (kind.Large || i < Math.Max(1, perKind / 4)) mixed.Add(path);
                }
                counts[kind.Name] = n;
            }
        }
        finally
        {
            File.Delete(ppm);
        }

        // The mixed folder: a few of every kind, the large ones last, so that a scheduler that
        // takes files strictly in order leaves one core idle at the end.
        string mixedDir = Path.Combine(outDir, MixedFolder);
        Directory.CreateDirectory(mixedDir);
        var ordered = mixed.Where(p => !p.Contains($"{Path.DirectorySeparatorChar}large{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(mixed.Where(p => p.Contains($"{Path.DirectorySeparatorChar}large{Path.DirectorySeparatorChar}", StringComparison.Ordinal))).ToList();
        for (int i = 0; i < ordered.Count; i++)
            File.Copy(ordered[i], Path.Combine(mixedDir, $"{i:D3}-{Path.GetFileName(ordered[i])}"), overwrite: true);
        counts[MixedFolder] = ordered.Count;
        foreach (var (_, bmp) in bitmaps) bmp.Dispose();
        return counts;
    }

    private static void WritePpm(SKBitmap photo, string path)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        fs.Write(System.Text.Encoding.ASCII.GetBytes($"P6\n{photo.Width} {photo.Height}\n255\n"));
        var rgba = photo.GetPixelSpan();
        var row = new byte[3 * photo.Width];
        for (int y = 0; y < photo.Height; y++)
        {
            var src = rgba.Slice(y * photo.RowBytes, 4 * photo.Width);
            for (int x = 0; x < photo.Width; x++)
            {
                row[3 * x] = src[4 * x];
                row[3 * x + 1] = src[4 * x + 1];
                row[3 * x + 2] = src[4 * x + 2];
            }
            fs.Write(row);
        }
    }

    private static void RunCjpeg(string cjpeg, string[] args)
    {
        var psi = new ProcessStartInfo(cjpeg) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{cjpeg}: cannot start");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"cjpeg {string.Join(' ', args)} failed: {err.Trim()}");
    }

    /// <summary>
    /// CMYK as print workflows store it: libjpeg-turbo writes CMYK input as YCCK with an Adobe
    /// marker. The ink values are the naive complement of RGB with grey replaced by black.
    /// </summary>
    private static void WriteCmyk(SKBitmap photo, string path, int quality)
    {
        int w = photo.Width, h = photo.Height;
        var cmyk = new byte[4L * w * h];
        var rgba = photo.GetPixelSpan();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int s = y * photo.RowBytes + 4 * x, d = 4 * (y * w + x);
                int c = 255 - rgba[s], m = 255 - rgba[s + 1], ye = 255 - rgba[s + 2];
                int k = Math.Min(c, Math.Min(m, ye));
                // Adobe's convention, which libjpeg follows for CMYK pixels: stored inverted (255 = no ink).
                cmyk[d] = (byte)(255 - (c - k)); cmyk[d + 1] = (byte)(255 - (m - k)); cmyk[d + 2] = (byte)(255 - (ye - k)); cmyk[d + 3] = (byte)(255 - k);
            }
        File.WriteAllBytes(path, CmykJpegEncoder.Encode(cmyk, w, h, quality));
    }
}
