using System.Runtime.InteropServices;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// A segment's tables as bytes (little-endian, this machine's layout): count, directory bits,
/// slice count (its <see cref="SliceLayout"/>), the hashes, the ids, then each slice's directory and postings. Reading back checks the shape
/// (sizes, directories ascending to the count, postings within it) so a damaged file cannot send
/// a search outside the tables; the caller checks the bytes themselves with a checksum.
/// </summary>
internal static class PdqSegmentFile
{
    private const int ElementsPerCall = 1 << 24; // keeps each span well under 2 GB of bytes

    public static void Write(PdqSegment segment, Stream output)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        BitConverter.TryWriteBytes(header, segment.Count);
        BitConverter.TryWriteBytes(header[4..], segment.DirectoryBits);
        BitConverter.TryWriteBytes(header[8..], segment.Layout.Count);
        output.Write(header);
        WriteSpan<Hash256>(segment.Hashes.AsSpan(), output);
        WriteIds(segment, output);
        for (int s = 0; s < segment.Layout.Count; s++)
        {
            WriteSpan<int>(segment.Directory(s).AsSpan(), output);
            WriteSpan<uint>(segment.Postings(s).AsSpan(), output);
        }
        GC.KeepAlive(segment);
    }

    private const int HeaderBytes = 12;

    /// <summary>Bytes <see cref="Write"/> produces for a segment of <paramref name="count"/> entries.</summary>
    public static long Length(int count, SliceLayout layout)
    {
        int directoryBits = PdqSegment.ChooseDirectoryBits(count, PdqSegment.PositionBitsFor(count), layout);
        return HeaderBytes + count * (32L + 4) + layout.Count * ((((1L << directoryBits) + 1) * 4) + count * 4L);
    }

    /// <exception cref="InvalidDataException">The bytes do not describe a segment.</exception>
    public static PdqSegment Read(Stream input, int expectedCount, bool allowBruteForce = true)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        input.ReadExactly(header);
        int count = BitConverter.ToInt32(header), directoryBits = BitConverter.ToInt32(header[4..]), slices = BitConverter.ToInt32(header[8..]);
        if (count != expectedCount) throw new InvalidDataException($"segment holds {count} entries, the header says {expectedCount}");
        var layout = SliceLayout.WithSlices(slices) ?? throw new InvalidDataException($"segment cut into {slices} slices");
        int positionBits = PdqSegment.PositionBitsFor(count);
        if (directoryBits != PdqSegment.ChooseDirectoryBits(count, positionBits, layout))
            throw new InvalidDataException($"segment of {count} entries with {directoryBits}-bit buckets");
        var hashes = new NativeBuffer<Hash256>(count, zeroed: false);
        ReadSpan(hashes.AsSpan(), input);
        var ids = ReadIds(input, count);
        var directories = new NativeBuffer<int>[layout.Count];
        var postings = new NativeBuffer<uint>[layout.Count];
        for (int s = 0; s < layout.Count; s++)
        {
            directories[s] = new NativeBuffer<int>((1 << directoryBits) + 1, zeroed: false);
            ReadSpan(directories[s].AsSpan(), input);
            postings[s] = new NativeBuffer<uint>(count, zeroed: false);
            ReadSpan(postings[s].AsSpan(), input);
        }
        var problems = new string?[layout.Count];
        Parallel.For(0, layout.Count, s => problems[s] = CheckSlice(directories[s], postings[s], count, positionBits));
        if (problems.FirstOrDefault(p => p is not null) is { } problem) throw new InvalidDataException(problem);
        return new PdqSegment(hashes, ids, layout, directoryBits, directories, postings, allowBruteForce);
    }

    private static string? CheckSlice(NativeBuffer<int> directory, NativeBuffer<uint> postings, int count, int positionBits)
    {
        var dir = directory.AsSpan();
        if (dir[0] != 0 || dir[^1] != count) return "a bucket directory does not span the segment";
        for (int b = 1; b < dir.Length; b++)
            if (dir[b] < dir[b - 1]) return "a bucket directory is not ascending";
        uint mask = positionBits >= 32 ? uint.MaxValue : (1u << positionBits) - 1;
        foreach (uint p in postings.AsSpan())
            if ((p & mask) >= (uint)count) return "a posting points past the segment";
        return null;
    }

    /// <summary>
    /// The ids, a chunk at a time: null while they equal their positions (a bulk build's), so no
    /// whole array is made only to be dropped.
    /// </summary>
    private static int[]? ReadIds(Stream input, int count)
    {
        int[]? ids = null;
        var chunk = new int[Math.Min(1 << 20, Math.Max(1, count))];
        for (int start = 0; start < count; start += chunk.Length)
        {
            int length = Math.Min(chunk.Length, count - start);
            ReadSpan(chunk.AsSpan(0, length), input);
            if (ids is null)
            {
                bool identity = true;
                for (int i = 0; i < length && identity; i++) identity = chunk[i] == start + i;
                if (identity) continue;
                ids = new int[count];
                for (int i = 0; i < start; i++) ids[i] = i;
            }
            chunk.AsSpan(0, length).CopyTo(ids.AsSpan(start));
        }
        return ids;
    }

    /// <summary>The ids, made a chunk at a time when the segment keeps none (they equal the positions).</summary>
    private static void WriteIds(PdqSegment segment, Stream output)
    {
        if (!segment.HasIdentityIds)
        {
            WriteSpan<int>(segment.Ids, output);
            return;
        }
        var chunk = new int[Math.Min(ElementsPerCall, Math.Max(1, segment.Count))];
        for (int start = 0; start < segment.Count; start += chunk.Length)
        {
            int length = Math.Min(chunk.Length, segment.Count - start);
            for (int i = 0; i < length; i++) chunk[i] = start + i;
            WriteSpan<int>(chunk.AsSpan(0, length), output);
        }
    }

    private static void WriteSpan<T>(ReadOnlySpan<T> items, Stream output) where T : unmanaged
    {
        for (int start = 0; start < items.Length; start += ElementsPerCall)
            output.Write(MemoryMarshal.AsBytes(items.Slice(start, Math.Min(ElementsPerCall, items.Length - start))));
    }

    private static void ReadSpan<T>(Span<T> items, Stream input) where T : unmanaged
    {
        for (int start = 0; start < items.Length; start += ElementsPerCall)
            input.ReadExactly(MemoryMarshal.AsBytes(items.Slice(start, Math.Min(ElementsPerCall, items.Length - start))));
    }
}
