using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Safeguard.Hashing.Files;

namespace Safeguard.Cli.Scanning;

public enum ArchiveKind { None, Zip, Tar, TarGz }

/// <summary>
/// Turns scan inputs into <see cref="ScanItem"/>s: files as found by <see cref="InputWalker"/>,
/// and the members of ZIP, TAR and TAR.GZ archives (detected by magic bytes, nested up to
/// <see cref="ArchiveLimits.MaxDepth"/>) named <c>outer.zip!/inner/file.jpg</c>. Members of an
/// archive come before the archive's own item, which carries the reason if it was refused.
/// Evidence is only opened for reading.
/// </summary>
public sealed class ArchiveWalker(ArchiveLimits limits, Action<ScanItem> emit)
{
    private sealed class Budget { public long Remaining; }

    public static FileStream OpenRead(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 1 << 16,
    });

    public void Walk(IEnumerable<string> inputs)
    {
        foreach (var item in InputWalker.Expand(inputs))
        {
            if (item.Error is not null) { emit(new ScanItem { Path = item.Path, Error = item.Error, TopLevel = true }); continue; }
            WalkFile(item.Path);
        }
    }

    private void WalkFile(string path)
    {
        ArchiveKind kind;
        try
        {
            if (!UnixFileType.IsRegularFile(path)) { emit(new ScanItem { Path = path, FilePath = path, TopLevel = true }); return; }
            using var s = OpenRead(path);
            kind = Detect(s);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            emit(new ScanItem { Path = path, Error = FileHasher.Describe(ex), TopLevel = true });
            return;
        }
        if (kind == ArchiveKind.None) { emit(new ScanItem { Path = path, FilePath = path, TopLevel = true }); return; }
        string? error = null;
        try
        {
            using var s = OpenRead(path);
            Expand(s, kind, path, 1, new Budget { Remaining = limits.MaxArchiveBytes }, s.Length);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = Refusal(kind, ex);
        }
        emit(new ScanItem { Path = path, FilePath = path, IsArchive = true, Error = error, TopLevel = true });
    }

    private static string Refusal(ArchiveKind kind, Exception ex) => ex switch
    {
        ArchiveRefusedException => $"{Name(kind)} archive refused: {ex.Message}",
        IOException or UnauthorizedAccessException => $"{Name(kind)} archive unreadable: {FileHasher.Describe(ex)}",
        _ => $"corrupt or truncated {Name(kind)} archive: {ex.Message}",
    };

    private static string Name(ArchiveKind k) => k switch { ArchiveKind.Zip => "zip", ArchiveKind.Tar => "tar", _ => "tar.gz" };

    /// <summary>Reads the magic bytes (and, for gzip, the first decompressed block) and rewinds.</summary>
    public static ArchiveKind Detect(Stream s)
    {
        Span<byte> head = stackalloc byte[512];
        int n = s.ReadAtLeast(head, 512, throwOnEndOfStream: false);
        s.Position = 0;
        return Detect(head[..n], s);
    }

    private static ArchiveKind Detect(ReadOnlySpan<byte> head, Stream s)
    {
        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2], head[3]) is (3, 4) or (5, 6)) return ArchiveKind.Zip;
        if (IsTarHeader(head)) return ArchiveKind.Tar;
        if (head.Length >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 8)
        {
            try
            {
                byte[] inner = new byte[512];
                int n;
                using (var gz = new GZipStream(s, CompressionMode.Decompress, leaveOpen: true))
                    n = gz.ReadAtLeast(inner, 512, throwOnEndOfStream: false);
                return IsTarHeader(inner.AsSpan(0, n)) ? ArchiveKind.TarGz : ArchiveKind.None;
            }
            catch (InvalidDataException) { return ArchiveKind.None; }
            finally { s.Position = 0; }
        }
        return ArchiveKind.None;
    }

    private static bool IsTarHeader(ReadOnlySpan<byte> b) => b.Length >= 262 && b.Slice(257, 5).SequenceEqual("ustar"u8);

    /// <summary>Member names that would escape an extraction folder are refused, though we never extract.</summary>
    private static void CheckName(string name)
    {
        var n = name.Replace('\\', '/');
        if (n.StartsWith('/') || (n.Length >= 2 && n[1] == ':' && char.IsAsciiLetter(n[0])) || n.Contains('\0')
            || n == ".." || n.StartsWith("../", StringComparison.Ordinal) || n.Contains("/../", StringComparison.Ordinal) || n.EndsWith("/..", StringComparison.Ordinal))
            throw new ArchiveRefusedException($"unsafe member path '{Shorten(name)}' (absolute or '..')");
    }

    private static string Shorten(string s) => s.Length <= 100 ? s : s[..97] + "...";

    private void Expand(Stream s, ArchiveKind kind, string display, int depth, Budget budget, long compressedLength)
    {
        if (kind == ArchiveKind.Zip) ExpandZip(s, display, depth, budget);
        else ExpandTar(s, kind == ArchiveKind.TarGz, display, depth, budget, compressedLength);
    }

    private void ExpandZip(Stream s, string display, int depth, Budget budget)
    {
        using var zip = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true);
        var entries = zip.Entries;
        if (entries.Count > limits.MaxMembers) throw new ArchiveRefusedException($"{entries.Count:N0} members, over the limit of {limits.MaxMembers:N0}");
        // Check the whole directory before reading anything: a hostile archive yields no members.
        long declared = 0;
        foreach (var e in entries)
        {
            CheckName(e.FullName);
            if (e.Length > limits.MaxMemberBytes) throw new ArchiveRefusedException($"member '{Shorten(e.FullName)}' is {e.Length:N0} bytes uncompressed, over the limit of {limits.MaxMemberBytes:N0}");
            if (e.Length > limits.RatioFloorBytes && e.Length > limits.MaxRatio * Math.Max(1, e.CompressedLength))
                throw new ArchiveRefusedException($"member '{Shorten(e.FullName)}' expands {e.Length / (double)Math.Max(1, e.CompressedLength):F0}:1 (limit {limits.MaxRatio}:1): zip bomb");
            declared += e.Length;
        }
        if (declared > budget.Remaining) throw new ArchiveRefusedException($"members total {declared:N0} bytes uncompressed, over the limit of {limits.MaxArchiveBytes:N0}");
        foreach (var e in entries)
        {
            if (e.FullName.EndsWith('/')) continue;
            string path = display + "!/" + e.FullName.Replace('\\', '/');
            if (e.IsEncrypted) { emit(new ScanItem { Path = path, Error = "encrypted member; not read" }); continue; }
            using var data = e.Open();
            ReadMember(data, e.Length, path, depth, budget, null);
        }
    }

    private void ExpandTar(Stream s, bool gzip, string display, int depth, Budget budget, long compressedLength)
    {
        var counted = new CountingStream(s);
        Stream input = gzip ? new GZipStream(counted, CompressionMode.Decompress, leaveOpen: true) : counted;
        using var tar = new TarReader(input, leaveOpen: true);
        int members = 0;
        long outBytes = 0;
        Func<long, bool>? ratioCheck = gzip ? produced =>
        {
            long total = outBytes + produced;
            return !(total > limits.RatioFloorBytes && total > limits.MaxRatio * Math.Max(1, counted.BytesRead));
        } : null;
        TarEntry? e;
        while ((e = tar.GetNextEntry(copyData: false)) is not null)
        {
            if (++members > limits.MaxMembers) throw new ArchiveRefusedException($"more than {limits.MaxMembers:N0} members");
            CheckName(e.Name);
            if (e.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)) continue;
            if (e.Length > limits.MaxMemberBytes) throw new ArchiveRefusedException($"member '{Shorten(e.Name)}' is {e.Length:N0} bytes, over the limit of {limits.MaxMemberBytes:N0}");
            string path = display + "!/" + (e.Name.StartsWith("./", StringComparison.Ordinal) ? e.Name[2..] : e.Name);
            ReadMember(e.DataStream ?? Stream.Null, e.Length, path, depth, budget, ratioCheck);
            outBytes += e.Length;
        }
        if (gzip) input.Dispose();
    }

    /// <summary>Reads one member (never more than it claims), then emits it, opening it first if it is an archive.</summary>
    private void ReadMember(Stream data, long declared, string path, int depth, Budget budget, Func<long, bool>? ratioOk)
    {
        if (declared > budget.Remaining) throw new ArchiveRefusedException($"more than {limits.MaxArchiveBytes:N0} bytes uncompressed");
        if (declared > limits.InMemoryMemberBytes)
        {
            emit(new ScanItem { Path = path, Done = HashStreamed(data, declared, path, budget, ratioOk) });
            return;
        }
        int length = (int)declared;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length + 1, 1));
        bool handedOff = false;
        try
        {
            int total = 0;
            while (total <= length)
            {
                int n = data.Read(buffer, total, Math.Min(buffer.Length - total, 1 << 20));
                if (n == 0) break;
                total += n;
                if (ratioOk is not null && !ratioOk(total)) throw new ArchiveRefusedException($"expands more than {limits.MaxRatio}:1: compression bomb");
            }
            if (total > length) throw new ArchiveRefusedException($"member '{Shorten(path)}' holds more data than its header says ({length:N0} bytes)");
            if (total < length) throw new InvalidDataException($"member '{Shorten(path)}' is cut short ({total:N0} of {length:N0} bytes)");
            budget.Remaining -= total;

            var kind = ArchiveKind.None;
            string? error = null;
            using (var ms = new MemoryStream(buffer, 0, total, writable: false))
            {
                kind = Detect(buffer.AsSpan(0, Math.Min(total, 512)), ms);
                if (kind != ArchiveKind.None)
                {
                    if (depth >= limits.MaxDepth)
                        error = $"archive nested more than {limits.MaxDepth} deep; not opened (exact hashes only)";
                    else
                    {
                        try { ms.Position = 0; Expand(ms, kind, path, depth + 1, budget, total); }
                        catch (Exception ex) when (ex is not OutOfMemoryException) { error = Refusal(kind, ex); }
                    }
                }
            }
            emit(new ScanItem { Path = path, Data = buffer, Length = total, IsArchive = kind != ArchiveKind.None, Error = error });
            handedOff = true;
        }
        finally
        {
            if (!handedOff) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private FileHashResult HashStreamed(Stream data, long declared, string path, Budget budget, Func<long, bool>? ratioOk)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long total = 0;
            int n;
            while ((n = data.Read(buffer, 0, 1 << 20)) > 0)
            {
                total += n;
                if (total > declared) throw new ArchiveRefusedException($"member '{Shorten(path)}' holds more data than its header says ({declared:N0} bytes)");
                if (ratioOk is not null && !ratioOk(total)) throw new ArchiveRefusedException($"expands more than {limits.MaxRatio}:1: compression bomb");
                md5.AppendData(buffer, 0, n); sha1.AppendData(buffer, 0, n); sha256.AppendData(buffer, 0, n);
            }
            if (total < declared) throw new InvalidDataException($"member '{Shorten(path)}' is cut short");
            budget.Remaining -= total;
            return new FileHashResult
            {
                Path = path, Size = total, Md5 = md5.GetHashAndReset(), Sha1 = sha1.GetHashAndReset(), Sha256 = sha256.GetHashAndReset(),
                Error = null,
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Counts the compressed bytes a decompressor pulls, for the ratio check.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead;
        public override int Read(byte[] buffer, int offset, int count) { int n = inner.Read(buffer, offset, count); BytesRead += n; return n; }
        public override int Read(Span<byte> buffer) { int n = inner.Read(buffer); BytesRead += n; return n; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
