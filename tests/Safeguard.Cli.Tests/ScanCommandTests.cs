using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Signals;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard scan` run as a real process over evidence folders and archives built here.</summary>
public sealed class ScanCommandTests : CliFixture
{
    private static string Img(string rel) => Path.Combine(Pdq, rel);
    private static readonly string Aaa = Img("bridge-mods/aaa-orig.jpg"), Blur = Img("bridge-mods/blur-a-lot.jpg"),
        Q0746 = Img("reg-test-input/labelme-subset/q0746.jpg"), Pen = Img("reg-test-input/pen-and-coaster.png");

    public ScanCommandTests()
    {
        RunOk("bank", "create", "ref");
        RunOk("bank", "add", "ref", Reference["bridge-mods/aaa-orig.jpg"].Pdq, "--content-id", "aaa", "--category", "1");
        RunOk("bank", "add", "ref", "md5:" + Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(Pen))), "--content-id", "pen", "--category", "2");
    }

    private static List<JsonElement> Records(string outDir) =>
        File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static Dictionary<string, (string Sha256, DateTime Mtime)> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, f => (Sha256(File.ReadAllBytes(f)), File.GetLastWriteTimeUtc(f)));

    private static byte[] Zip(params (string Name, byte[] Data)[] members)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in members)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(data);
            }
        return ms.ToArray();
    }

    private static byte[] TarGz(params (string Name, byte[] Data)[] members)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, data) in members)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        return ms.ToArray();
    }

    [Fact]
    public void Nested_archives_duplicates_summary_and_vics_case_from_read_only_evidence()
    {
        var ev = Path.Combine(Dir, "evidence");
        Directory.CreateDirectory(Path.Combine(ev, "sub"));
        byte[] aaa = File.ReadAllBytes(Aaa), blur = File.ReadAllBytes(Blur), q = File.ReadAllBytes(Q0746), pen = File.ReadAllBytes(Pen);
        File.WriteAllBytes(Path.Combine(ev, "aaa-orig.jpg"), aaa);
        File.WriteAllBytes(Path.Combine(ev, "blur-a-lot.jpg"), blur);
        File.WriteAllBytes(Path.Combine(ev, "sub", "copy-of-aaa.jpg"), aaa);
        File.WriteAllText(Path.Combine(ev, "notes.txt"), "not an image\n");
        var inner = Zip(("pen.png", pen), ("x/dup.jpg", aaa));
        // Named .bin: archives are found by their magic bytes.
        var bundle = TarGz(("q0746.jpg", q), ("docs/inner.zip", inner));
        File.WriteAllBytes(Path.Combine(ev, "bundle.bin"), bundle);
        File.SetLastWriteTimeUtc(Path.Combine(ev, "notes.txt"), new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        var before = Snapshot(ev);

        var outDir = Path.Combine(Dir, "out");
        var r = RunOk("scan", ev, "--out", outDir, "--bank", "ref");
        Assert.Equal(before, Snapshot(ev)); // nothing written, nothing changed in the evidence

        string B = Path.Combine(ev, "bundle.bin");
        var expected = new (string Path, byte[] Data)[]
        {
            (Path.Combine(ev, "aaa-orig.jpg"), aaa), (Path.Combine(ev, "blur-a-lot.jpg"), blur),
            (B + "!/q0746.jpg", q), (B + "!/docs/inner.zip!/pen.png", pen), (B + "!/docs/inner.zip!/x/dup.jpg", aaa),
            (B + "!/docs/inner.zip", inner), (B, bundle), (Path.Combine(ev, "notes.txt"), "not an image\n"u8.ToArray()),
            (Path.Combine(ev, "sub", "copy-of-aaa.jpg"), aaa),
        };
        var records = Records(outDir);
        Assert.Equal(expected.Select(e => e.Path), records.Select(x => Str(x, "path")));
        foreach (var (e, rec) in expected.Zip(records))
        {
            Assert.Equal(Sha256(e.Data), Str(rec, "sha256"));
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(e.Data)), Str(rec, "md5"));
            Assert.Equal(e.Data.Length, rec.GetProperty("size").GetInt64());
            Assert.Null(Str(rec, "error"));
        }
        var byPath = records.ToDictionary(x => Str(x, "path")!);
        Assert.Equal(Path.Combine(ev, "aaa-orig.jpg"), Str(byPath[B + "!/docs/inner.zip!/x/dup.jpg"], "duplicate_of"));
        Assert.Equal(Path.Combine(ev, "aaa-orig.jpg"), Str(byPath[Path.Combine(ev, "sub", "copy-of-aaa.jpg")], "duplicate_of"));
        Assert.Equal(Reference["reg-test-input/labelme-subset/q0746.jpg"].Pdq.Length, Str(byPath[B + "!/q0746.jpg"], "pdq")!.Length);
        Assert.True(Distance(Reference["reg-test-input/labelme-subset/q0746.jpg"].Pdq, Str(byPath[B + "!/q0746.jpg"], "pdq")!) <= 10);
        Assert.Null(Str(byPath[Path.Combine(ev, "notes.txt")], "pdq"));

        // Independent counts: what was put into the evidence.
        string[] imageExt = [".jpg", ".png"];
        var images = expected.Where(e => imageExt.Contains(Path.GetExtension(e.Path))).ToList();
        var matched = expected.Where(e => e.Data.SequenceEqual(aaa) || e.Data.SequenceEqual(blur) || e.Data.SequenceEqual(pen)).ToList();
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement;
        Assert.Equal(expected.Length, summary.GetProperty("files").GetInt32());
        Assert.Equal(2, summary.GetProperty("archives").GetInt32());
        Assert.Equal(images.Count, summary.GetProperty("images").GetInt32());
        int unique = images.Select(e => Sha256(e.Data)).Distinct().Count();
        Assert.Equal(unique, summary.GetProperty("unique_images").GetInt32());
        Assert.Equal(matched.Count, summary.GetProperty("matched_files").GetInt32());
        Assert.Equal(expected.Length - matched.Count, summary.GetProperty("unmatched_files").GetInt32());
        Assert.Equal(matched.Count, summary.GetProperty("matches_by_bank").GetProperty("ref").GetInt32());
        Assert.Equal(matched.Count - 1, summary.GetProperty("matches_by_category").GetProperty("1").GetInt32());
        Assert.Equal(1, summary.GetProperty("matches_by_category").GetProperty("2").GetInt32());
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.Contains($"{unique} PDQ hashes computed", r.Err); // each distinct image decoded once
        Assert.Contains($"matched files:      {matched.Count}", r.Out);

        // CSV: same rows as the JSON lines.
        var csv = File.ReadAllLines(Path.Combine(outDir, "files.csv"));
        Assert.Equal(expected.Length + 1, csv.Length);
        Assert.StartsWith("path,size,", csv[0]);

        // The VICS case reads back with the bank reader: one Media per distinct content.
        using var vics = File.OpenRead(Path.Combine(outDir, "case.vics.json"));
        var entries = BankFormats.Read(BankFormat.Vics, vics, new ReadOptions { SourceName = "case" }).ToList();
        int distinct = expected.Select(e => Sha256(e.Data)).Distinct().Count();
        Assert.Equal(distinct, entries.Count(e => e.Type == SignalTypes.Md5));
        var aaaMd5 = Convert.ToHexStringLower(MD5.HashData(aaa));
        Assert.Equal(1, Assert.Single(entries, e => e.Type == SignalTypes.Md5 && e.Value == aaaMd5).Category);
        Assert.Equal(2, Assert.Single(entries, e => e.Type == SignalTypes.Md5 && e.Value == Convert.ToHexStringLower(MD5.HashData(pen))).Category);
        Assert.Contains(entries, e => e.Type == SignalTypes.Pdq);
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "case.vics.json"))).RootElement;
        Assert.EndsWith("#Cases", doc.GetProperty("@odata.context").GetString());
        var upperMd5 = aaaMd5.ToUpperInvariant(); // VICS writes hashes in upper case
        var media = doc.GetProperty("value")[0].GetProperty("Media").EnumerateArray()
            .Single(m => m.GetProperty("MD5").GetString() == upperMd5);
        Assert.Equal(["aaa-orig.jpg", "dup.jpg", "copy-of-aaa.jpg"], media.GetProperty("MediaFiles").EnumerateArray().Select(f => f.GetProperty("FileName").GetString()!).ToArray());
        Assert.Equal(B + "!/docs/inner.zip!/x", media.GetProperty("MediaFiles")[1].GetProperty("FilePath").GetString());

        Assert.Equal(2, Run("scan", ev, "--out", Path.Combine(ev, "results")).Exit); // never writes inside the evidence
        Assert.False(Directory.Exists(Path.Combine(ev, "results")));
    }

    [Fact]
    public void Hostile_archives_are_refused_with_a_clear_error_and_the_scan_carries_on()
    {
        var ev = Path.Combine(Dir, "hostile");
        Directory.CreateDirectory(ev);
        var good = File.ReadAllBytes(Q0746);
        File.WriteAllBytes(Path.Combine(ev, "a-good.jpg"), good);
        File.WriteAllBytes(Path.Combine(ev, "slip.zip"), Zip(("ok.txt", "fine"u8.ToArray()), ("../../etc/evil.txt", "x"u8.ToArray())));
        File.WriteAllBytes(Path.Combine(ev, "absolute.zip"), Zip(("/etc/passwd", "x"u8.ToArray())));
        File.WriteAllBytes(Path.Combine(ev, "slip.tgz"), TarGz(("../up.txt", "x"u8.ToArray())));

        // 2 GB of zeros deflated to a few MB.
        using (var fs = File.Create(Path.Combine(ev, "bomb.zip")))
        using (var zip = new ZipArchive(fs, ZipArchiveMode.Create))
        using (var s = zip.CreateEntry("zeros.bin", CompressionLevel.Optimal).Open())
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 2048; i++) s.Write(zeros);
        }
        Assert.True(new FileInfo(Path.Combine(ev, "bomb.zip")).Length < 20 << 20);

        // A gzip bomb: 300 MB of zeros in a tar.gz of a few hundred KB.
        using (var fs = File.Create(Path.Combine(ev, "bomb.tgz")))
        using (var gz = new GZipStream(fs, CompressionLevel.Optimal))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax))
        {
            var zeros = new ZeroStream(300L << 20);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "zeros.bin") { DataStream = zeros });
        }

        // 20 archives deep.
        byte[] nested = Zip(("deepest.txt", "bottom"u8.ToArray()));
        for (int i = 19; i >= 1; i--) nested = Zip(($"level{i}.zip", nested));
        File.WriteAllBytes(Path.Combine(ev, "deep.zip"), nested);

        var whole = Zip(("img.jpg", good), ("img2.jpg", File.ReadAllBytes(Aaa)));
        File.WriteAllBytes(Path.Combine(ev, "truncated.zip"), whole[..(whole.Length / 2)]);

        // An encrypted member: set the "encrypted" flag bit in the local and central headers.
        var enc = Zip(("secret.jpg", good), ("plain.txt", "visible"u8.ToArray()));
        enc[6] |= 1;
        int central = IndexOf(enc, [0x50, 0x4B, 0x01, 0x02]);
        enc[central + 8] |= 1;
        File.WriteAllBytes(Path.Combine(ev, "encrypted.zip"), enc);

        var outDir = Path.Combine(Dir, "out-hostile");
        var watch = Stopwatch.StartNew();
        var r = Run("scan", ev, "--out", outDir);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the bomb was decompressed");
        Assert.Equal(1, r.Exit);
        var byPath = Records(outDir).ToDictionary(x => Str(x, "path")!);
        string P(string name) => Path.Combine(ev, name);

        Assert.NotNull(Str(byPath[P("a-good.jpg")], "pdq"));
        Assert.Contains("unsafe member path '../../etc/evil.txt'", Str(byPath[P("slip.zip")], "error"));
        Assert.DoesNotContain(byPath.Keys, k => k.StartsWith(P("slip.zip") + "!/", StringComparison.Ordinal));
        Assert.Contains("unsafe member path '/etc/passwd'", Str(byPath[P("absolute.zip")], "error"));
        Assert.Contains("unsafe member path '../up.txt'", Str(byPath[P("slip.tgz")], "error"));
        Assert.Contains("zip bomb", Str(byPath[P("bomb.zip")], "error"));
        Assert.Contains("compression bomb", Str(byPath[P("bomb.tgz")], "error"));
        Assert.Contains("corrupt or truncated zip", Str(byPath[P("truncated.zip")], "error"));
        Assert.Contains("encrypted", Str(byPath[P("encrypted.zip") + "!/secret.jpg"], "error"));
        Assert.Equal(Sha256("visible"u8.ToArray()), Str(byPath[P("encrypted.zip") + "!/plain.txt"], "sha256"));

        // Depth: archives 1..8 are opened, the 9th level is hashed but not opened.
        var tooDeep = byPath.Values.Single(x => Str(x, "error") is { } e && e.Contains("nested more than 8"));
        Assert.Equal(8, Str(tooDeep, "path")!.Split("!/").Length - 1);
        Assert.DoesNotContain(byPath.Keys, k => k.EndsWith("deepest.txt", StringComparison.Ordinal));

        foreach (var name in new[] { "slip.zip", "absolute.zip", "slip.tgz", "bomb.zip", "bomb.tgz", "truncated.zip" })
            Assert.Contains($"{P(name)}: ", r.Err);
        Assert.True(File.Exists(Path.Combine(outDir, "summary.json")));
    }

    /// <summary>A stream of zeros of a given length (so the tar writer knows the size up front).</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => _position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => length + offset };
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static int IndexOf(byte[] data, byte[] pattern)
    {
        for (int i = 0; i <= data.Length - pattern.Length; i++)
            if (data.AsSpan(i, pattern.Length).SequenceEqual(pattern)) return i;
        return -1;
    }

    [Fact]
    public void A_killed_scan_resumes_without_rehashing_and_writes_the_same_outputs()
    {
        var photos = Path.Combine(Dir, "photos");
        RunOk("bench", "make-photos", photos, "--count", "60");
        var zipped = Path.Combine(photos, "zz-archive.zip");
        File.WriteAllBytes(zipped, Zip(("a.jpg", File.ReadAllBytes(Aaa)), ("b.png", File.ReadAllBytes(Pen))));

        var full = Path.Combine(Dir, "full");
        RunOk("scan", photos, "--out", full);

        var resumed = Path.Combine(Dir, "resumed");
        var journal = Path.Combine(resumed, "scan.journal");
        using (var p = Process.Start(StartInfo(["scan", photos, "--out", resumed, "--db", Db]))!)
        {
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            var deadline = Stopwatch.StartNew();
            while (LinesIn(journal) < 6 && !p.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(10);
            Assert.False(p.HasExited, "the scan finished before it could be killed");
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        int done = LinesIn(journal) - 1;
        Assert.True(done is > 0 and < 60);
        Assert.False(File.Exists(Path.Combine(resumed, "files.jsonl")));

        // Other options than the interrupted run: refused.
        Assert.Equal(2, Run("scan", photos, "--out", resumed, "--resume", "--threshold", "20").Exit);

        var r = RunOk("scan", photos, "--out", resumed, "--resume");
        int computed = int.Parse(System.Text.RegularExpressions.Regex.Match(r.Err, @"([\d,]+) PDQ hashes computed").Groups[1].Value.Replace(",", ""));
        int images = JsonDocument.Parse(File.ReadAllText(Path.Combine(full, "summary.json"))).RootElement.GetProperty("unique_images").GetInt32();
        Assert.True(computed <= images - done + 1, $"{computed} PDQ hashes computed on resume, {done} were done, {images} images");
        foreach (var name in new[] { "files.jsonl", "files.csv", "summary.json", "case.vics.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(full, name)), File.ReadAllText(Path.Combine(resumed, name)));
        Assert.False(File.Exists(journal));
    }

    private static int LinesIn(string path)
    {
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int n = 0, b;
            while ((b = s.ReadByte()) >= 0) if (b == '\n') n++;
            return n;
        }
        catch (IOException) { return 0; }
    }
}
