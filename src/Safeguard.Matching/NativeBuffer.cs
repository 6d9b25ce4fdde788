using System.Runtime.InteropServices;

namespace Safeguard.Matching;

/// <summary>
/// A fixed-size array outside the managed heap, for the index's big tables. On Linux, buffers of
/// 2 MB or more are 2 MB aligned and advised to use transparent huge pages: the search reads
/// them at random, and with 4 KB pages almost every read would also miss the TLB.
/// Freed by the finalizer, so memory lives exactly as long as some segment (and so some
/// reader's snapshot) can still reach it. Users keep the owner alive (GC.KeepAlive) while they
/// hold a raw reference into it.
/// </summary>
internal sealed unsafe partial class NativeBuffer<T> where T : unmanaged
{
    private const nuint HugePageSize = 2 * 1024 * 1024;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE

    private readonly void* _memory;
    private readonly nuint _bytes;

    public NativeBuffer(int length, bool zeroed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _bytes = (nuint)Math.Max(1L, (long)length * sizeof(T));
        if (_bytes >= HugePageSize)
        {
            _bytes = (_bytes + HugePageSize - 1) & ~(HugePageSize - 1);
            _memory = NativeMemory.AlignedAlloc(_bytes, HugePageSize);
            if (OperatingSystem.IsLinux()) _ = LinuxNative.Madvise(_memory, _bytes, MadviseHugePage); // best effort
        }
        else
        {
            _memory = NativeMemory.AlignedAlloc(_bytes, 64);
        }
        if (zeroed) NativeMemory.Clear(_memory, _bytes);
        GC.AddMemoryPressure((long)_bytes);
    }

    ~NativeBuffer()
    {
        NativeMemory.AlignedFree(_memory);
        GC.RemoveMemoryPressure((long)_bytes);
    }

    public int Length { get; }
    public long Bytes => (long)_bytes;

    /// <summary>The first element; index with Unsafe.Add. No bounds checks: callers stay below Length.</summary>
    public ref T Reference => ref *(T*)_memory;

    public Span<T> AsSpan() => new(_memory, Length);
}

internal static unsafe partial class LinuxNative
{
    [LibraryImport("libc", EntryPoint = "madvise")]
    public static partial int Madvise(void* address, nuint length, int advice);
}
