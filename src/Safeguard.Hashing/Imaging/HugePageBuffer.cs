using System.Runtime.InteropServices;

namespace Safeguard.Hashing.Imaging;

/// <summary>
/// Native buffers for decoded pixels. A large one is aligned to 2 MiB and marked for transparent
/// huge pages: a 24 MP picture's planes otherwise cost about 9,000 page faults on first touch,
/// which on a virtual machine took as long as decoding the picture.
/// </summary>
internal static unsafe partial class HugePageBuffer
{
    private const nuint HugePage = 2 << 20;
    private const int MadvHugePage = 14;

    public static byte* Alloc(long size)
    {
        if (size < (long)HugePage) return (byte*)NativeMemory.AlignedAlloc((nuint)size, 64);
        nuint rounded = ((nuint)size + HugePage - 1) & ~(HugePage - 1);
        byte* p = (byte*)NativeMemory.AlignedAlloc(rounded, HugePage);
        // Advice only: where the kernel has huge pages off, or not on Linux, nothing changes.
        if (OperatingSystem.IsLinux()) _ = Madvise(p, rounded, MadvHugePage);
        return p;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
