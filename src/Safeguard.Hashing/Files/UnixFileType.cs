using System.Runtime.InteropServices;

namespace Safeguard.Hashing.Files;

/// <summary>
/// Tells a regular file from a FIFO, socket or device before opening it: opening a FIFO for
/// reading blocks until a writer appears, which would hang a scan.
/// </summary>
public static unsafe partial class UnixFileType
{
    private const uint TypeMask = 0xF000;
    private const uint Regular = 0x8000;

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, byte* buffer);

    /// <summary>True for a regular file (following symlinks); also true where the check is unavailable.</summary>
    public static bool IsRegularFile(string path)
    {
        if (!OperatingSystem.IsLinux()) return true;
        int modeOffset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (modeOffset < 0) return true;
        byte* buffer = stackalloc byte[256];
        try
        {
            if (Stat(path, buffer) != 0) return true; // let the open report the real error
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return true;
        }
        uint mode = *(uint*)(buffer + modeOffset);
        return (mode & TypeMask) == Regular;
    }
}
