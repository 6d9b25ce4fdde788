using System.Runtime.InteropServices;

namespace Safeguard.Server.Media;

/// <summary>
/// Asks glibc to hand freed heap memory back to the OS. Large pixel buffers are mapped and unmapped
/// on their own, but medium ones come from malloc's arenas, which otherwise keep the pages.
/// </summary>
public static class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    public static void Trim()
    {
        if (_unavailable) return;
        try { _ = MallocTrim(0); } // 1 if memory was released, 0 if none could be: either is fine
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // musl and other C libraries have no malloc_trim
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
