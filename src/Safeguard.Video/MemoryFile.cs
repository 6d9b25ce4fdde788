using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Safeguard.Video;

/// <summary>
/// Bytes held in an anonymous in-memory file (Linux memfd) that FFmpeg can open and seek by path,
/// so a video found inside an archive is hashed without its contents ever being written to disk.
/// </summary>
public sealed partial class MemoryFile : IDisposable
{
    private const uint CloseOnExec = 1; // MFD_CLOEXEC: FFmpeg opens the file by path, it needs no inherited descriptor
    private readonly SafeFileHandle _handle;

    /// <summary>A path that opens these bytes, valid until disposal.</summary>
    public string Path { get; }

    private MemoryFile(SafeFileHandle handle, int fd)
    {
        _handle = handle;
        Path = $"/proc/{Environment.ProcessId}/fd/{fd}";
    }

    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <exception cref="IOException">The kernel refused the memory file (not Linux, or out of memory).</exception>
    public static MemoryFile Create(string name, ReadOnlySpan<byte> bytes)
    {
        if (!IsSupported) throw new IOException("in-memory files need Linux (memfd_create)");
        int fd = MemfdCreate(name, CloseOnExec);
        if (fd < 0) throw new IOException($"memfd_create failed (errno {Marshal.GetLastPInvokeError()})");
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            RandomAccess.Write(handle, bytes, 0);
            return new MemoryFile(handle, fd);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MemfdCreate(string name, uint flags);

    public void Dispose() => _handle.Dispose();
}
