using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using Safeguard.Engine.Scanning;

namespace Safeguard.Fuzz.Targets;

/// <summary>
/// The scanner's archive walker (ZIP, TAR, TAR.GZ, nested) over one input file, through its public
/// <see cref="ArchiveWalker.Walk"/>. The walker reports refused or corrupt archives on the archive's
/// item; <see cref="BugWatch"/> catches own-code bugs its catch-all would hide.
/// </summary>
public sealed class ArchiveTarget : IFuzzTarget
{
    /// <summary>Smaller than the defaults so that streamed members and the ratio check are reached by small inputs.</summary>
    private static readonly ArchiveLimits FuzzLimits = new()
    {
        MaxMembers = 1_000, MaxMemberBytes = 64L << 20, MaxArchiveBytes = 128L << 20,
        RatioFloorBytes = 1L << 20, InMemoryMemberBytes = 64L << 10,
    };

    private readonly string _inputPath = Path.Combine(Path.GetTempPath(), $"safeguard-fuzz-archive-{Environment.ProcessId}.bin");
    private int _items;

    public string Name => "archive";
    public string Description => "ArchiveWalker.Walk over a ZIP/TAR/TAR.GZ file (members, nesting, limits)";

    public void Run(ReadOnlySpan<byte> input)
    {
        using (var f = new FileStream(_inputPath, FileMode.Create, FileAccess.Write)) f.Write(input);
        _items = 0;
        ScanItem? top = null;
        var walker = new ArchiveWalker(FuzzLimits, item =>
        {
            _items++;
            if (item.TopLevel) top = item;
            if (item.Data is not null) ArrayPool<byte>.Shared.Return(item.Data);
        });
        walker.Walk([_inputPath]);
        if (top is null) throw new InvalidOperationException($"the walker emitted {_items} items but none for the input itself");
        using var ms = new MemoryStream(input.ToArray(), writable: false);
        ArchiveWalker.Detect(ms);
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        var small = new Dictionary<string, byte[]>
        {
            ["a.txt"] = "hello\n"u8.ToArray(),
            ["dir/b.bmp"] = TinyImages.Bmp(2, 2),
            ["c.gif"] = TinyImages.Gif,
        };
        var zip = Zip(small, CompressionLevel.Optimal);
        yield return ("small.zip", zip);
        yield return ("stored.zip", Zip(small, CompressionLevel.NoCompression));
        var tar = Tar(small, TarEntryFormat.Ustar);
        yield return ("small.tar", tar);
        yield return ("pax.tar", Tar(small, TarEntryFormat.Pax));
        yield return ("gnu.tar", Tar(small, TarEntryFormat.Gnu));
        yield return ("small.tar.gz", Gzip(tar));
        yield return ("nested.zip", Zip(new() { ["inner.tar"] = tar, ["inner.zip"] = zip }, CompressionLevel.Fastest));
        yield return ("nested.tar.gz", Gzip(Tar(new() { ["in.zip"] = zip }, TarEntryFormat.Ustar)));
    }

    public IEnumerable<string> Dictionary => ["PK\x03\x04", "PK\x01\x02", "PK\x05\x06", "PK\x06\x06", "PK\x06\x07", "ustar\0", "ustar  \0", "\x1F\x8B\x08", "../", "././@LongLink", "path=", "size="];

    private static byte[] Zip(Dictionary<string, byte[]> members, CompressionLevel level)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in members)
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(bytes);
            }
        return ms.ToArray();
    }

    private static byte[] Tar(Dictionary<string, byte[]> members, TarEntryFormat format)
    {
        using var ms = new MemoryStream();
        using (var tar = new TarWriter(ms, format, leaveOpen: true))
            foreach (var (name, bytes) in members)
            {
                TarEntry e = format switch
                {
                    TarEntryFormat.Pax => new PaxTarEntry(TarEntryType.RegularFile, name),
                    TarEntryFormat.Gnu => new GnuTarEntry(TarEntryType.RegularFile, name),
                    _ => new UstarTarEntry(TarEntryType.RegularFile, name),
                };
                e.DataStream = new MemoryStream(bytes);
                tar.WriteEntry(e);
            }
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }
}
