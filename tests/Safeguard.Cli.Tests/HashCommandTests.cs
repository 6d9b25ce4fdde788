using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard hash` end to end: output, exit codes, and every kind of bad input.</summary>
public sealed class HashCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-hash-").FullName;
    private static readonly string Pdq = TestData.Pdq;
    private static readonly string Bridge = Path.Combine(Pdq, "bridge-mods", "aaa-orig.jpg");
    private const string BridgeHash = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFileSystemEntries(_dir, "*", SearchOption.AllDirectories))
            try { File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); } catch (IOException) { }
        Directory.Delete(_dir, recursive: true);
    }

    private string Put(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void HashesMatchTheReferenceAndCoreutils()
    {
        var r = SafeguardProcess.Run(["hash", Bridge, Path.Combine(Pdq, "misc-images", "c.png")]);
        Assert.Equal(0, r.Exit);
        var rows = SafeguardProcess.ParseCsv(r.Out);
        Assert.Equal(["path", "pdq", "quality", "md5", "sha1", "sha256"], rows[0]);
        Assert.Equal(3, rows.Count);
        Assert.Equal(BridgeHash, rows[1][1]);
        Assert.Equal("100", rows[1][2]);
        Assert.Equal(Coreutils("md5sum", Bridge), rows[1][3]);
        Assert.Equal(Coreutils("sha1sum", Bridge), rows[1][4]);
        Assert.Equal(Coreutils("sha256sum", Bridge), rows[1][5]);
    }

    private static string Coreutils(string tool, string file)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true };
        psi.ArgumentList.Add(file);
        using var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return line.Split(' ')[0];
    }

    [Fact]
    public void SignalsNarrowTheColumnsAndJsonLinesCarryTheSameValues()
    {
        var csv = SafeguardProcess.Run(["hash", Bridge, "--signals", "md5,pdq"]);
        var rows = SafeguardProcess.ParseCsv(csv.Out);
        Assert.Equal(["path", "pdq", "quality", "md5"], rows[0]);
        var json = SafeguardProcess.Run(["hash", Bridge, "--format", "jsonl", "--signals", "pdq,md5"]);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out.Trim());
        Assert.Equal(BridgeHash, doc.RootElement.GetProperty("pdq").GetString());
        Assert.Equal(rows[1][3], doc.RootElement.GetProperty("md5").GetString());
        Assert.False(doc.RootElement.TryGetProperty("sha1", out _));
    }

    [Fact]
    public void DihedralColumnsEqualTheReference()
    {
        var r = SafeguardProcess.Run(["hash", Bridge, "--dihedral", "--signals", "pdq"]);
        var rows = SafeguardProcess.ParseCsv(r.Out);
        var expected = File.ReadLines(Path.Combine(Pdq, "expected-reference-dihedral.csv"))
            .First(l => l.StartsWith("bridge-mods/aaa-orig.jpg,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(expected[1..9], rows[1][1..9]);
    }

    [Fact]
    public void DirectoriesAreWalkedInAStableOrderWhateverTheThreads()
    {
        var dir = Path.Combine(Pdq, "bridge-mods");
        var one = SafeguardProcess.Run(["hash", dir, "--threads", "1"]);
        var many = SafeguardProcess.Run(["hash", dir, "--threads", "4"]);
        Assert.Equal(0, one.Exit);
        Assert.Equal(one.Out, many.Out);
        var paths = SafeguardProcess.ParseCsv(one.Out).Skip(1).Select(r => r[0]).ToList();
        Assert.Equal(Directory.GetFiles(dir).Order(StringComparer.Ordinal), paths);
    }

    [Fact]
    public void PathsCanComeFromStandardInput()
    {
        var r = SafeguardProcess.Run(["hash", "-", "--signals", "pdq"], stdin: Bridge + "\n\n" + Bridge + "\n");
        Assert.Equal(0, r.Exit);
        Assert.Equal(3, SafeguardProcess.ParseCsv(r.Out).Count);
    }

    [Theory]
    [InlineData("hash")]
    [InlineData("hash x.jpg --format xml")]
    [InlineData("hash x.jpg --signals pdq,crc")]
    [InlineData("hash x.jpg --max-pixels 0")]
    [InlineData("hash x.jpg --no-such-option")]
    [InlineData("match x.jpg --no-such-option")]
    [InlineData("scan x --out /tmp/safeguard-never-written --no-such-option")]
    [InlineData("video hash x.mp4 --no-such-option")]
    public void UsageErrorsExitTwo(string commandLine)
    {
        var r = SafeguardProcess.Run(commandLine.Split(' '));
        Assert.Equal(2, r.Exit);
        Assert.NotEmpty(r.Err);
    }

    [Fact]
    public void EachBadFileGivesOneErrorLineAndTheRunCarriesOn()
    {
        var jpeg = File.ReadAllBytes(Bridge);
        var png = File.ReadAllBytes(Path.Combine(Pdq, "misc-images", "c.png"));
        var random = new byte[5000];
        new Random(1).NextBytes(random);
        var bad = new Dictionary<string, string>
        {
            [Put("a-empty.jpg", [])] = "empty",
            [Put("b-truncated.jpg", jpeg[..(jpeg.Length / 2)])] = "truncated",
            [Put("c-truncated.png", png[..(png.Length / 3)])] = "",
            [Put("d-random.jpg", random)] = "unsupported format",
            [Put("e-header-only.jpg", jpeg[..200])] = "",
            [Put("f-huge.png", HugePng(100_000, 100_000))] = "pixels",
            [Put("g-huge.jpg", HugeJpegHeader(jpeg, 65_000, 65_000))] = "pixels",
            [Put("h-notes.txt", "just text\n"u8.ToArray())] = "unsupported format",
        };
        string good = Put("z-good.jpg", jpeg);
        var r = SafeguardProcess.Run(["hash", _dir, "--signals", "pdq,md5"]);
        Assert.Equal(1, r.Exit);
        var rows = SafeguardProcess.ParseCsv(r.Out);
        Assert.Equal(2, rows.Count);
        Assert.Equal(good, rows[1][0]);
        Assert.Equal(BridgeHash, rows[1][1]);
        Assert.Equal(bad.Count, r.ErrLines.Length);
        foreach (var (path, word) in bad)
        {
            var line = Assert.Single(r.ErrLines, l => l.Contains(path, StringComparison.Ordinal));
            Assert.Contains(word, line, StringComparison.OrdinalIgnoreCase);
        }
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void AFileNamedLikeAnOptionIsHashedAfterDoubleDash()
    {
        var odd = Put("--odd.jpg", File.ReadAllBytes(Bridge));
        var r = SafeguardProcess.Run(["hash", "--signals", "pdq", "--", odd]);
        Assert.Equal(0, r.Exit);
        Assert.Contains(BridgeHash, r.Out);
    }

    [Fact]
    public void APixelLimitRefusesBeforeDecoding()
    {
        var r = SafeguardProcess.Run(["hash", Bridge, "--max-pixels", "1000000"]);
        Assert.Equal(1, r.Exit);
        Assert.Contains("1600x1004", r.Err);
        Assert.Contains("--max-pixels", r.Err);
    }

    [Fact]
    public void LinksFifosAndOddNamesAreHandled()
    {
        var jpeg = File.ReadAllBytes(Bridge);
        var odd = new[] { "comma, \"quote\".jpg", "new\nline.jpg", "ünïcødé 画像.jpg", "-dash.jpg", " space .jpg" };
        foreach (var name in odd) Put(Path.Combine("odd", name), jpeg);
        var tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(tree);
        Put(Path.Combine("tree", "one.jpg"), jpeg);
        File.CreateSymbolicLink(Path.Combine(tree, "loop"), tree);                  // directory link to itself
        File.CreateSymbolicLink(Path.Combine(tree, "self.jpg"), Path.Combine(tree, "self.jpg"));
        File.CreateSymbolicLink(Path.Combine(tree, "broken.jpg"), Path.Combine(_dir, "missing.jpg"));
        var fifo = Path.Combine(tree, "pipe.jpg");
        using (var mk = Process.Start("mkfifo", fifo)) mk.WaitForExit();

        var r = SafeguardProcess.Run(["hash", Path.Combine(_dir, "odd"), tree, "--signals", "pdq"], timeoutMs: 60_000);
        Assert.Equal(1, r.Exit);
        var rows = SafeguardProcess.ParseCsv(r.Out).Skip(1).ToList();
        Assert.Equal(odd.Length + 1, rows.Count);
        foreach (var name in odd)
            Assert.Contains(rows, row => row[0] == Path.Combine(_dir, "odd", name) && row[1] == BridgeHash);
        Assert.Contains(r.ErrLines, l => l.Contains("loop") && l.Contains("already visited"));
        Assert.Contains(r.ErrLines, l => l.Contains("self.jpg") && l.Contains("symlink loop"));
        Assert.Contains(r.ErrLines, l => l.Contains("broken.jpg") && l.Contains("broken symlink"));
        Assert.Contains(r.ErrLines, l => l.Contains("pipe.jpg") && l.Contains("not a regular file"));
    }

    [Fact]
    public void UnreadableFilesAreReported()
    {
        File.SetUnixFileMode(_dir, (UnixFileMode)Convert.ToInt32("755", 8));
        var secret = Put("secret.jpg", File.ReadAllBytes(Bridge));
        var open = Put("open.jpg", File.ReadAllBytes(Bridge));
        File.SetUnixFileMode(open, (UnixFileMode)Convert.ToInt32("644", 8));
        File.SetUnixFileMode(secret, UnixFileMode.None);
        bool root = Environment.UserName == "root";
        // Root reads everything, so the check runs as an unprivileged user when we are root.
        var r = SafeguardProcess.Run(["hash", secret, open, "--signals", "pdq"], runAsUser: root ? "nobody" : null);
        Assert.Equal(1, r.Exit);
        Assert.Contains(r.ErrLines, l => l.Contains(secret) && l.Contains("permission denied"));
        Assert.Contains(BridgeHash, r.Out);
    }

    private static byte[] HugePng(int width, int height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var crc = new Crc32();
        crc.Append(typeBytes);
        crc.Append(data);
        Span<byte> c = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(c, crc.GetCurrentHashAsUInt32());
        s.Write(c);
    }

    /// <summary>A real JPEG whose frame header claims other dimensions.</summary>
    private static byte[] HugeJpegHeader(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < copy.Length; i++)
        {
            if (copy[i] == 0xFF && (copy[i + 1] == 0xC0 || copy[i + 1] == 0xC2))
            {
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(i + 7), (ushort)width);
                return copy;
            }
        }
        throw new InvalidOperationException("no frame header");
    }
}
