using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Safeguard.Hashing.Files;

namespace Safeguard.Engine.Scanning;

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

    public void Walk(IEnumerable<string> inputs, SymlinkPolicy symlinks = SymlinkPolicy.Record)
    {
        foreach (var item in InputWalker.Expand(inputs, symlinks))
        {
            // A link is a fact about the evidence, not a failure: recorded with its target text, no error.
            if (item.IsLink) { emit(new ScanItem { Path = item.Path, LinkType = "symlink", LinkTarget = item.LinkTarget, LinkNote = item.Error ?? item.LinkNote, TopLevel = true }); continue; }
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
        var (entries, centralOffset) = ZipDirectory.Read(s, limits.MaxMembers);
        // Check the whole directory before reading anything: a hostile archive yields no members.
        long declared = 0;
        foreach (var e in entries)
        {
            CheckName(e.Name);
            if (e.Size > limits.MaxMemberBytes) throw new ArchiveRefusedException($"member '{Shorten(e.Name)}' is {e.Size:N0} bytes uncompressed, over the limit of {limits.MaxMemberBytes:N0}");
            if (e.Size > limits.RatioFloorBytes && e.Size > limits.MaxRatio * Math.Max(1, e.CompressedSize))
                throw new ArchiveRefusedException($"member '{Shorten(e.Name)}' expands {e.Size / (double)Math.Max(1, e.CompressedSize):F0}:1 (limit {limits.MaxRatio}:1): zip bomb");
            declared += e.Size;
        }
        if (declared > budget.Remaining) throw new ArchiveRefusedException($"members total {declared:N0} bytes uncompressed, over the limit of {limits.MaxArchiveBytes:N0}");
        // A member's data cannot run past the next local header or the central directory, whatever its sizes say.
        var starts = entries.Select(e => e.LocalOffset).Where(o => o < centralOffset).Append(centralOffset).Distinct().Order().ToArray();
        foreach (var e in entries)
        {
            if (e.IsDirectory) continue;
            string path = display + "!/" + e.Name.Replace('\\', '/');
            if (e.IsEncrypted) { emit(new ScanItem { Path = path, Error = "encrypted member; not read" }); continue; }
            ZipLocalHeader local;
            try { local = ZipDirectory.ReadLocal(s, e); }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                emit(new ScanItem { Path = path, Error = $"member '{Shorten(e.Name)}': {ex.Message}; not read" });
                continue;
            }
            int next = Array.BinarySearch(starts, e.LocalOffset + 1);
            long regionEnd = starts[next < 0 ? Math.Min(~next, starts.Length - 1) : next];
            long region = Math.Max(0, regionEnd - local.DataOffset);
            if (e.Method is not (0 or 8)) { emit(new ScanItem { Path = path, Error = $"member '{Shorten(e.Name)}': compression method {e.Method} not supported; not read" }); continue; }
            // Stored data is as long as the central directory says (its CRC-32 tells if that is a lie); deflate ends itself.
            var raw = new WindowStream(s, local.DataOffset, e.Method == 0 ? Math.Min(e.CompressedSize, region) : region);
            var crc = new System.IO.Hashing.Crc32();
            using Stream data = e.Method == 8 ? new DeflateStream(raw, CompressionMode.Decompress, leaveOpen: true) : raw;
            bool RatioOk(long produced) => !(produced > limits.RatioFloorBytes && produced > limits.MaxRatio * Math.Max(1, region));
            if (e.IsSymlink)
            {
                ReadLink(data, path, budget, crc, total => ZipCheck(s, e, local, total, crc.GetCurrentHashAsUInt32()));
                continue;
            }
            ReadMember(data, null, e.Size, path, depth, budget, RatioOk, crc, total => ZipCheck(s, e, local, total, crc.GetCurrentHashAsUInt32()));
        }
    }

    /// <summary>
    /// Compares what the data really held with the central directory, the local header and the data
    /// descriptor; null when all agree, else the fields that disagree (the member is hashed from its real data).
    /// </summary>
    private static string? ZipCheck(Stream s, ZipMember e, ZipLocalHeader local, long actual, uint crc)
    {
        var problems = new List<string>();
        void Size(string record, long said) { if (said != actual) problems.Add($"{record} uncompressed size says {said:N0} bytes, the data holds {actual:N0}"); }
        void Crc(string record, uint said) { if (said != crc) problems.Add($"{record} CRC-32 says {said:x8}, the data's is {crc:x8}"); }
        Size("central directory", e.Size);
        Crc("central directory", e.Crc);
        if (local.Method != e.Method) problems.Add($"local header compression method {local.Method} differs from the central directory's {e.Method}");
        if ((local.Flags & 8) == 0)
        {
            Size("local header", local.Size);
            Crc("local header", local.Crc);
            if (local.CompressedSize != e.CompressedSize) problems.Add($"local header compressed size says {local.CompressedSize:N0}, the central directory {e.CompressedSize:N0}");
        }
        else if (ReadDescriptor(s, local.DataOffset + e.CompressedSize, e.Zip64) is { } d)
        {
            Size("data descriptor", d.Size);
            Crc("data descriptor", d.Crc);
            if (d.CompressedSize != e.CompressedSize) problems.Add($"data descriptor compressed size says {d.CompressedSize:N0}, the central directory {e.CompressedSize:N0}");
        }
        else problems.Add("data descriptor missing where the central directory's compressed size puts it");
        return problems.Count == 0 ? null : $"zip member '{Shorten(e.Name)}' does not match its headers: {string.Join("; ", problems)}; hashed from its real data";
    }

    private static (uint Crc, long CompressedSize, long Size)? ReadDescriptor(Stream s, long at, bool zip64)
    {
        int width = zip64 ? 8 : 4;
        var b = new byte[4 + 4 + 2 * width];
        if (at < 0 || at > s.Length - (b.Length - 4)) return null;
        s.Position = at;
        int n = s.ReadAtLeast(b, b.Length, throwOnEndOfStream: false);
        var span = b.AsSpan(0, n);
        if (span.Length >= 4 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span) == ZipDirectory.DescriptorSignature) span = span[4..];
        if (span.Length < 4 + 2 * width) return null;
        uint crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span);
        long csize = zip64 ? (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(span[4..]) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
        long usize = zip64 ? (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(span[12..]) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        return (crc, csize, usize);
    }

    /// <summary>A link stored in an archive: its target text is recorded, never resolved.</summary>
    private void ReadLink(Stream data, string path, Budget budget, System.IO.Hashing.Crc32? crc, Func<long, string?>? verify)
    {
        const int MaxLinkText = 4096;
        var buffer = new byte[MaxLinkText + 1];
        int n = data.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        crc?.Append(buffer.AsSpan(0, n));
        budget.Remaining -= n;
        string? error = n > MaxLinkText ? $"symlink target longer than {MaxLinkText} bytes; cut" : verify?.Invoke(n);
        emit(new ScanItem { Path = path, LinkType = "symlink", LinkTarget = System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(n, MaxLinkText)), LinkNote = "symlink in an archive; not followed", Error = error });
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
            string path = display + "!/" + (e.Name.StartsWith("./", StringComparison.Ordinal) ? e.Name[2..] : e.Name);
            if (e.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
            {
                // Recorded with the target text; never resolved, against the archive or this machine.
                bool hard = e.EntryType == TarEntryType.HardLink;
                emit(new ScanItem { Path = path, LinkType = hard ? "hardlink" : "symlink", LinkTarget = e.LinkName, LinkNote = $"{(hard ? "hard link" : "symlink")} in an archive; not followed" });
                continue;
            }
            if (e.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile)) continue;
            if (e.Length > limits.MaxMemberBytes) throw new ArchiveRefusedException($"member '{Shorten(e.Name)}' is {e.Length:N0} bytes, over the limit of {limits.MaxMemberBytes:N0}");
            ReadMember(e.DataStream ?? Stream.Null, e.Length, e.Length, path, depth, budget, ratioCheck, null, null);
            outBytes += e.Length;
        }
        if (gzip) input.Dispose();
    }

    /// <summary>
    /// Reads one member to its real end (with <paramref name="exact"/>, never more than that), then emits
    /// it, opening it first if it is an archive. Limits apply to the bytes that really come out, not to
    /// what a header claims. <paramref name="verify"/> compares the real length (and CRC) with the headers.
    /// </summary>
    private void ReadMember(Stream data, long? exact, long sizeHint, string path, int depth, Budget budget, Func<long, bool>? ratioOk,
        System.IO.Hashing.Crc32? crc, Func<long, string?>? verify)
    {
        if (exact > budget.Remaining) throw new ArchiveRefusedException($"more than {limits.MaxArchiveBytes:N0} bytes uncompressed");
        long cap = Math.Min(limits.MaxMemberBytes, budget.Remaining);
        int initial = (int)Math.Clamp(sizeHint, 0, limits.InMemoryMemberBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(initial + 1);
        bool handedOff = false;
        StreamedHashes? streamed = null;
        try
        {
            long total = 0;
            int filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (streamed is null && buffer.Length < limits.InMemoryMemberBytes)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limits.InMemoryMemberBytes + 1));
                        buffer.AsSpan(0, filled).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    else
                    {
                        // Too big for memory: exact hashes only, streamed.
                        streamed ??= new StreamedHashes();
                        streamed.Append(buffer.AsSpan(0, filled));
                        filled = 0;
                    }
                }
                int n = data.Read(buffer, filled, Math.Min(buffer.Length - filled, 1 << 20));
                if (n == 0) break;
                crc?.Append(buffer.AsSpan(filled, n));
                filled += n;
                total += n;
                if (exact is long max && total > max) throw new ArchiveRefusedException($"member '{Shorten(path)}' holds more data than its header says ({max:N0} bytes)");
                if (total > cap)
                    throw new ArchiveRefusedException(total > limits.MaxMemberBytes
                        ? $"member '{Shorten(path)}' expands past {limits.MaxMemberBytes:N0} bytes (its header says {sizeHint:N0})"
                        : $"more than {limits.MaxArchiveBytes:N0} bytes uncompressed");
                if (ratioOk is not null && !ratioOk(total)) throw new ArchiveRefusedException($"expands more than {limits.MaxRatio}:1: compression bomb");
            }
            if (exact is long want && total < want) throw new InvalidDataException($"member '{Shorten(path)}' is cut short ({total:N0} of {want:N0} bytes)");
            budget.Remaining -= total;
            string? mismatch = verify?.Invoke(total);
            if (streamed is not null)
            {
                streamed.Append(buffer.AsSpan(0, filled));
                emit(new ScanItem { Path = path, Done = streamed.Result(path, total, mismatch) });
                return;
            }

            int length = filled;
            var kind = ArchiveKind.None;
            string? error = null;
            using (var ms = new MemoryStream(buffer, 0, length, writable: false))
            {
                kind = Detect(buffer.AsSpan(0, Math.Min(length, 512)), ms);
                if (kind != ArchiveKind.None)
                {
                    if (depth >= limits.MaxDepth)
                        error = $"archive nested more than {limits.MaxDepth} deep; not opened (exact hashes only)";
                    else
                    {
                        try { ms.Position = 0; Expand(ms, kind, path, depth + 1, budget, length); }
                        catch (Exception ex) when (ex is not OutOfMemoryException) { error = Refusal(kind, ex); }
                    }
                }
            }
            if (mismatch is not null) error = error is null ? mismatch : mismatch + "; " + error;
            emit(new ScanItem { Path = path, Data = buffer, Length = length, IsArchive = kind != ArchiveKind.None, Error = error });
            handedOff = true;
        }
        finally
        {
            streamed?.Dispose();
            if (!handedOff) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>MD5, SHA-1 and SHA-256 of a member too large to hold in memory.</summary>
    private sealed class StreamedHashes : IDisposable
    {
        private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private readonly IncrementalHash _sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Append(ReadOnlySpan<byte> data) { _md5.AppendData(data); _sha1.AppendData(data); _sha256.AppendData(data); }

        public FileHashResult Result(string path, long size, string? error) => new()
        {
            Path = path, Size = size, Md5 = _md5.GetHashAndReset(), Sha1 = _sha1.GetHashAndReset(), Sha256 = _sha256.GetHashAndReset(), Error = error,
        };

        public void Dispose() { _md5.Dispose(); _sha1.Dispose(); _sha256.Dispose(); }
    }

    /// <summary>A window [start, start+length) of a seekable stream, read from its own position (a member's data).</summary>
    private sealed class WindowStream(Stream inner, long start, long length) : Stream
    {
        private long _position;
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int want = (int)Math.Min(buffer.Length, length - _position);
            if (want <= 0) return 0;
            inner.Position = start + _position;
            int n = inner.Read(buffer[..want]);
            _position += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
