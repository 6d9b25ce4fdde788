using System.Buffers.Binary;
using System.Text;

namespace Safeguard.Engine.Scanning;

/// <summary>One member as the central directory describes it (ZIP64 fields already applied).</summary>
public sealed record ZipMember(string Name, ushort Flags, ushort Method, uint Crc, long CompressedSize, long Size, long LocalOffset, uint ExternalAttributes, byte MadeBy, bool Zip64)
{
    public bool IsEncrypted => (Flags & 1) != 0;
    public bool HasDataDescriptor => (Flags & 8) != 0;
    public bool IsDirectory => Name.EndsWith('/') || Name.EndsWith('\\');
    /// <summary>Made on Unix with the file type of a symbolic link: the member's data is the link's target text.</summary>
    public bool IsSymlink => MadeBy == 3 && ((ExternalAttributes >> 16) & 0xF000) == 0xA000;
}

/// <summary>A member's local header: what a streaming reader would believe, checked against the central directory.</summary>
public sealed record ZipLocalHeader(ushort Flags, ushort Method, uint Crc, long CompressedSize, long Size, long DataOffset);

/// <summary>
/// Reads a ZIP's central directory and local headers itself (System.IO.Compression trusts the
/// central directory's sizes, so a forged size would hide data): the scanner then reads every
/// member from its local header and checks sizes and CRC-32 against all three records.
/// </summary>
public static class ZipDirectory
{
    private const uint EndSignature = 0x06054B50, End64Signature = 0x06064B50, End64LocatorSignature = 0x07064B50;
    private const uint CentralSignature = 0x02014B50, LocalSignature = 0x04034B50;
    public const uint DescriptorSignature = 0x08074B50;

    /// <summary>The members in directory order and where the central directory starts; throws InvalidDataException or ArchiveRefusedException.</summary>
    public static (List<ZipMember> Members, long CentralOffset) Read(Stream s, int maxMembers)
    {
        long length = s.Length;
        int tail = (int)Math.Min(length, 22 + 65535);
        var buf = new byte[tail];
        s.Position = length - tail;
        s.ReadExactly(buf);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(i)) == EndSignature) { eocd = i; break; }
        if (eocd < 0) throw new InvalidDataException("no end of central directory record");
        var end = buf.AsSpan(eocd);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        long offset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        if ((count == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF) && eocd >= 20
            && BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(eocd - 20)) == End64LocatorSignature)
        {
            long at = (long)BinaryPrimitives.ReadUInt64LittleEndian(buf.AsSpan(eocd - 20 + 8));
            var rec = new byte[56];
            if (at < 0 || at > length - 56) throw new InvalidDataException("ZIP64 end record outside the file");
            s.Position = at;
            s.ReadExactly(rec);
            if (BinaryPrimitives.ReadUInt32LittleEndian(rec) != End64Signature) throw new InvalidDataException("bad ZIP64 end record");
            count = (long)BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(32));
            size = (long)BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(40));
            offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(48));
        }
        if (count > maxMembers) throw new ArchiveRefusedException($"{count:N0} members, over the limit of {maxMembers:N0}");
        if (offset < 0 || size < 0 || offset + size > length) throw new InvalidDataException("central directory outside the file");

        s.Position = offset;
        var input = new BufferedStream(s, 1 << 16);
        var members = new List<ZipMember>((int)count);
        var fixedPart = new byte[46];
        for (long i = 0; i < count; i++)
        {
            input.ReadExactly(fixedPart);
            var h = fixedPart.AsSpan();
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != CentralSignature) throw new InvalidDataException($"central directory entry {i + 1} is damaged");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]), extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]),
                commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            var variable = new byte[nameLength + extraLength + commentLength];
            input.ReadExactly(variable);
            long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]), usize = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]),
                local = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            bool zip64 = ApplyZip64(variable.AsSpan(nameLength, extraLength), ref usize, ref csize, ref local);
            members.Add(new ZipMember(
                Encoding.UTF8.GetString(variable, 0, nameLength), BinaryPrimitives.ReadUInt16LittleEndian(h[8..]), BinaryPrimitives.ReadUInt16LittleEndian(h[10..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[16..]), csize, usize, local, BinaryPrimitives.ReadUInt32LittleEndian(h[38..]), h[5], zip64));
        }
        return (members, offset);
    }

    /// <summary>Reads the local header at the member's offset; throws InvalidDataException when there is none.</summary>
    public static ZipLocalHeader ReadLocal(Stream s, ZipMember m)
    {
        var h = new byte[30];
        if (m.LocalOffset < 0 || m.LocalOffset > s.Length - 30) throw new InvalidDataException("local header outside the file");
        s.Position = m.LocalOffset;
        s.ReadExactly(h);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != LocalSignature) throw new InvalidDataException("no local header where the central directory says");
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(26)), extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(28));
        long csize = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(18)), usize = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(22)), none = 0;
        var extra = new byte[extraLength];
        s.Position = m.LocalOffset + 30 + nameLength;
        s.ReadExactly(extra);
        ApplyZip64(extra, ref usize, ref csize, ref none);
        return new ZipLocalHeader(BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(6)), BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(8)),
            BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(14)), csize, usize, m.LocalOffset + 30 + nameLength + extraLength);
    }

    /// <summary>The ZIP64 extra field (0x0001) holds, in order, each of the sizes and offset whose 32-bit field is all ones.</summary>
    private static bool ApplyZip64(ReadOnlySpan<byte> extra, ref long usize, ref long csize, ref long offset)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra), len = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (len > extra.Length - 4) break;
            if (id == 1)
            {
                var f = extra.Slice(4, len);
                if (usize == 0xFFFFFFFF && f.Length >= 8) { usize = (long)BinaryPrimitives.ReadUInt64LittleEndian(f); f = f[8..]; }
                if (csize == 0xFFFFFFFF && f.Length >= 8) { csize = (long)BinaryPrimitives.ReadUInt64LittleEndian(f); f = f[8..]; }
                if (offset == 0xFFFFFFFF && f.Length >= 8) offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(f);
                if (usize < 0 || csize < 0 || offset < 0) throw new InvalidDataException("ZIP64 size out of range");
                return true;
            }
            extra = extra[(4 + len)..];
        }
        return false;
    }
}
