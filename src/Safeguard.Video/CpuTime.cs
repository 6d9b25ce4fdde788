using System.Runtime.InteropServices;

namespace Safeguard.Video;

/// <summary>CPU seconds used by this process and its finished children (FFmpeg), from getrusage.</summary>
public static partial class CpuTime
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSec, UserUsec, SysSec, SysUsec;
        public long Rest0, Rest1, Rest2, Rest3, Rest4, Rest5, Rest6, Rest7, Rest8, Rest9, Rest10, Rest11, Rest12, Rest13;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, out RUsage usage);

    private const int Self = 0, Children = -1;

    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        double total = 0;
        foreach (int who in new[] { Self, Children })
        {
            if (getrusage(who, out var u) != 0) return double.NaN;
            total += u.UserSec + u.UserUsec / 1e6 + u.SysSec + u.SysUsec / 1e6;
        }
        return total;
    }
}
