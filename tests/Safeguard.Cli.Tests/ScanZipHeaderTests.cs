using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>ZIP members whose headers lie about their size or CRC-32: the real bytes are hashed and the lie reported.</summary>
public sealed class ScanZipHeaderTests : CliFixture
{
    private static readonly string Pen = Path.Combine(Pdq, "reg-test-input/pen-and-coaster.png");
    private static readonly byte[] Text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i} of the notes\n")));
    private static readonly byte[] After = "after the forged members\n"u8.ToArray();

    public ScanZipHeaderTests()
    {
        RunOk("bank", "create", "ref");
        RunOk("bank", "add", "ref", "md5:" + Md5(File.ReadAllBytes(Pen)), "--content-id", "pen", "--category", "2");
    }

    private static string Md5(byte[] b) => Convert.ToHexStringLower(MD5.HashData(b));

    private static Dictionary<string, JsonElement> Records(string outDir) =>
        File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => e.GetProperty("path").GetString()!);

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A zip of the members; <paramref name="streamed"/> writes it as a pipe would get it (sizes in data descriptors).</summary>
    private static byte[] Zip(bool streamed, params (string Name, byte[] Data)[] members)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(streamed ? new ForwardOnly(ms) : ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in members)
                using (var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open()) s.Write(data);
        return ms.ToArray();
    }

    private static int Find(byte[] zip, ReadOnlySpan<byte> signature, int nameAt, string name)
    {
        var n = System.Text.Encoding.UTF8.GetBytes(name);
        for (int i = 0; i + nameAt + n.Length <= zip.Length; i++)
            if (zip.AsSpan(i, 4).SequenceEqual(signature) && zip.AsSpan(i + nameAt, n.Length).SequenceEqual(n)) return i;
        throw new InvalidOperationException($"no header for {name}");
    }

    private static int Local(byte[] zip, string name) => Find(zip, "PK\u0003\u0004"u8, 30, name);
    private static int Central(byte[] zip, string name) => Find(zip, "PK\u0001\u0002"u8, 46, name);

    /// <summary>Where the data descriptor follows the member's compressed data.</summary>
    private static int Descriptor(byte[] zip, string name)
    {
        int local = Local(zip, name), central = Central(zip, name);
        int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
        int at = data + (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(central + 20));
        Assert.True(zip.AsSpan(at, 4).SequenceEqual("PK\u0007\u0008"u8), "no data descriptor");
        return at;
    }

    private static void Put32(byte[] zip, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(at), value);

    [Fact]
    public void A_size_forged_in_the_headers_is_reported_and_the_real_content_is_hashed_and_matched()
    {
        var pen = File.ReadAllBytes(Pen);
        var zip = Zip(false, ("pen.png", pen), ("notes.txt", Text), ("after.txt", After));
        // Both headers claim a tenth of the real size, as a hostile archive would to hide the rest.
        foreach (var (name, real) in new[] { ("pen.png", pen.Length), ("notes.txt", Text.Length) })
        {
            Put32(zip, Local(zip, name) + 22, (uint)(real / 10));
            Put32(zip, Central(zip, name) + 24, (uint)(real / 10));
        }
        var ev = Path.Combine(Dir, "ev");
        Directory.CreateDirectory(ev);
        File.WriteAllBytes(Path.Combine(ev, "forged.zip"), zip);
        var outDir = Path.Combine(Dir, "out");
        var r = Run("scan", ev, "--out", outDir, "--bank", "ref");
        Assert.Equal(1, r.Exit);
        var byPath = Records(outDir);
        string Z = Path.Combine(ev, "forged.zip") + "!/";
        foreach (var (name, data) in new[] { ("pen.png", pen), ("notes.txt", Text) })
        {
            var rec = byPath[Z + name];
            Assert.Equal(Md5(data), Str(rec, "md5"));
            Assert.Equal(data.Length, rec.GetProperty("size").GetInt64());
            var error = Str(rec, "error")!;
            Assert.Contains($"'{name}'", error);
            Assert.Contains($"central directory uncompressed size says {data.Length / 10:N0} bytes", error);
            Assert.Contains($"local header uncompressed size says {data.Length / 10:N0} bytes", error);
            Assert.Contains($"{Z + name}: ", r.Err);
        }
        // The exact match against the bank still fires on the real bytes.
        var matches = byPath[Z + "pen.png"].GetProperty("matches");
        Assert.Contains(matches.EnumerateArray(), m => m.GetProperty("content_id").GetString() == "pen");
        // The scan carries on with the other members.
        Assert.Equal(Md5(After), Str(byPath[Z + "after.txt"], "md5"));
        Assert.Null(Str(byPath[Z + "after.txt"], "error"));
    }

    [Fact]
    public void A_crc_mismatch_with_correct_sizes_names_the_member()
    {
        var zip = Zip(false, ("notes.txt", Text), ("after.txt", After));
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(Central(zip, "notes.txt") + 16));
        Put32(zip, Local(zip, "notes.txt") + 14, crc ^ 1);
        Put32(zip, Central(zip, "notes.txt") + 16, crc ^ 1);
        var ev = Path.Combine(Dir, "ev-crc");
        Directory.CreateDirectory(ev);
        File.WriteAllBytes(Path.Combine(ev, "crc.zip"), zip);
        var outDir = Path.Combine(Dir, "out-crc");
        Assert.Equal(1, Run("scan", ev, "--out", outDir).Exit);
        var byPath = Records(outDir);
        string Z = Path.Combine(ev, "crc.zip") + "!/";
        var error = Str(byPath[Z + "notes.txt"], "error")!;
        Assert.Contains("'notes.txt'", error);
        Assert.Contains($"central directory CRC-32 says {crc ^ 1:x8}, the data's is {crc:x8}", error);
        Assert.Contains("local header CRC-32", error);
        Assert.Equal(Md5(Text), Str(byPath[Z + "notes.txt"], "md5"));
        Assert.Null(Str(byPath[Z + "after.txt"], "error"));
    }

    [Fact]
    public void A_forged_data_descriptor_is_reported()
    {
        var pen = File.ReadAllBytes(Pen);
        var zip = Zip(true, ("pen.png", pen), ("after.txt", After));
        int d = Descriptor(zip, "pen.png");
        Put32(zip, d + 12, (uint)(pen.Length - 1)); // the descriptor's uncompressed size
        Put32(zip, d + 4, 0xDEADBEEF);               // and its CRC-32
        var ev = Path.Combine(Dir, "ev-dd");
        Directory.CreateDirectory(ev);
        File.WriteAllBytes(Path.Combine(ev, "dd.zip"), zip);
        var outDir = Path.Combine(Dir, "out-dd");
        Assert.Equal(1, Run("scan", ev, "--out", outDir, "--bank", "ref").Exit);
        var byPath = Records(outDir);
        string Z = Path.Combine(ev, "dd.zip") + "!/";
        var error = Str(byPath[Z + "pen.png"], "error")!;
        Assert.Contains("'pen.png'", error);
        Assert.Contains($"data descriptor uncompressed size says {pen.Length - 1:N0} bytes", error);
        Assert.Contains("data descriptor CRC-32 says deadbeef", error);
        Assert.Equal(Md5(pen), Str(byPath[Z + "pen.png"], "md5"));
        Assert.Null(Str(byPath[Z + "after.txt"], "error"));
    }

    /// <summary>A write-only, non-seekable view, so the zip writer uses data descriptors.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
