using System.IO.Hashing;
using System.Text;
using Safeguard.Banks.Storage;
using Safeguard.Matching;

namespace Safeguard.Engine.Index;

/// <summary>
/// The PDQ part of a <see cref="BankIndex"/> in a file beside the database, so a start loads the
/// built tables instead of reading and indexing every entry. Layout: a header (magic, version,
/// the database's identity token, the banks it covers, the change position it reflects, the
/// entry count), the rows' entry ids, the index tables (<see cref="PdqIndex.WriteTo"/>), then an
/// XxHash3 checksum of everything before it. A file of another version, another database or
/// other banks, ahead of the database, truncated or failing its checksum is never used.
/// </summary>
internal static class BankIndexSnapshot
{
    private const uint Magic = 0x58494753; // "SGIX"
    public const int Version = 2; // 2: segment tables name their slice layout

    public sealed record Contents(PdqIndex Index, PdqRows Rows, long AppliedSeq, long AppliedEntry);

    public readonly record struct ReadResult(Contents? Loaded, string? Problem);

    public static void Write(string path, string identity, string scope, long appliedSeq, long appliedEntry, PdqIndex index, PdqRows rows)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        RemoveAbandoned(folder, Path.GetFileName(path));
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using (var hashing = new ChecksumStream(file))
                using (var w = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                {
                    w.Write(Magic); w.Write(Version); w.Write(identity); w.Write(scope);
                    w.Write(appliedSeq); w.Write(appliedEntry); w.Write(rows.AscendingCount);
                    w.Flush();
                    rows.WriteAscending(hashing);
                    index.WriteTo(hashing);
                    file.Write(BitConverter.GetBytes(hashing.Checksum));
                }
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Deletes temporary files a process stopped while writing left behind (an hour old: a
    /// snapshot another process sharing the database is writing now is left alone).
    /// </summary>
    private static void RemoveAbandoned(string folder, string name)
    {
        foreach (var file in Directory.EnumerateFiles(folder, $".{name}.*.tmp"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddHours(-1)) File.Delete(file);
            }
            catch (IOException) { } // gone already, or in use: the next write tries again
        }
    }

    public static async Task<ReadResult> TryReadAsync(string path, IBankStore store, string scope, CancellationToken ct)
    {
        if (!File.Exists(path)) return new(null, "there is none yet");
        string identity = await store.GetStoreIdentityAsync(ct);
        long lastSeq = await store.GetLastChangeSeqAsync(ct);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var hashing = new ChecksumStream(file);
            using var r = new BinaryReader(hashing, Encoding.UTF8, leaveOpen: true);
            if (file.Length < 16 || r.ReadUInt32() != Magic) return new(null, "not an index snapshot");
            int version = r.ReadInt32();
            if (version != Version) return new(null, $"made by format version {version}, this program writes {Version}");
            if (r.ReadString() != identity) return new(null, "made from another database");
            if (r.ReadString() != scope) return new(null, "made for other banks");
            long appliedSeq = r.ReadInt64(), appliedEntry = r.ReadInt64();
            int count = r.ReadInt32();
            if (appliedSeq > lastSeq) return new(null, $"reflects change {appliedSeq}, past the database's last change {lastSeq} (a restored database?)");
            if (count < 0) return new(null, "corrupt header");
            long expected = hashing.Position + count * 8L + PdqIndex.WrittenLength(count) + 8;
            if (file.Length != expected) return new(null, $"truncated or padded: {file.Length:N0} bytes, expected {expected:N0}");
            var rows = PdqRows.ReadAscending(hashing, count);
            var index = PdqIndex.ReadFrom(hashing, count);
            ulong computed = hashing.Checksum;
            Span<byte> stored = stackalloc byte[8];
            file.ReadExactly(stored);
            if (BitConverter.ToUInt64(stored) != computed) return new(null, "checksum mismatch (corrupt)");
            return new(new Contents(index, rows, appliedSeq, appliedEntry), null);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or UnauthorizedAccessException)
        {
            return new(null, $"unreadable: {ex.Message}");
        }
    }

    /// <summary>Passes bytes through and checksums them (XxHash3, 64-bit).</summary>
    private sealed class ChecksumStream(Stream inner) : Stream
    {
        private readonly XxHash3 _hash = new();
        private long _position;

        public ulong Checksum => _hash.GetCurrentHashAsUInt64();
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            _hash.Append(buffer[..n]);
            _position += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.Append(buffer);
            _position += buffer.Length;
            inner.Write(buffer);
        }

        protected override void Dispose(bool disposing)
        {
            // The inner stream belongs to the caller.
            base.Dispose(disposing);
        }
    }
}
