using System.Runtime.InteropServices;
using System.Text;
using Safeguard.Storage.Banks;

namespace Safeguard.Server.Audit;

/// <summary>
/// The append-only file of checkpoints, one line each. Lines are written with O_APPEND (the kernel
/// puts each write at the end, even with several writers) and fsync'd before the checkpoint is handed out.
/// </summary>
public static class CheckpointFile
{
    /// <summary>Beside a SQLite database (NAME.audit-checkpoints.log); for PostgreSQL, in the per-user data directory.</summary>
    public static string DefaultPath(string db) => Safeguard.Storage.ConnectionStrings.IsPostgres(db)
        ? Path.Combine(Path.GetDirectoryName(Safeguard.Storage.Banks.BankStores.DefaultSqlitePath())!, "audit-checkpoints.log")
        : Path.GetFullPath(db) + ".audit-checkpoints.log";

    public static void Append(string path, AuditCheckpoint checkpoint)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var bytes = Encoding.UTF8.GetBytes(checkpoint + "\n");
        if (!OperatingSystem.IsLinux())
        {
            using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
            return;
        }
        int fd = Native.Open(path, Native.OWronly | Native.OAppend | Native.OCreat | Native.OCloexec, 0b110_100_100);
        if (fd < 0) throw new IOException($"cannot open the checkpoint file {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            // One write(2) of one short line: O_APPEND makes it land whole at the end.
            long written = Native.Write(fd, bytes, bytes.Length);
            if (written != bytes.Length) throw new IOException($"cannot append to the checkpoint file {path}: {Marshal.GetLastPInvokeErrorMessage()}");
            if (Native.Fsync(fd) != 0) throw new IOException($"cannot fsync the checkpoint file {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally { _ = Native.Close(fd); }
    }

    /// <summary>Each non-blank, non-comment line with its line number.</summary>
    public static IEnumerable<(int Line, string Text)> ReadLines(string path)
    {
        int n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            var t = line.Trim();
            if (t.Length > 0 && !t.StartsWith('#')) yield return (n, t);
        }
    }

    private static class Native
    {
        // Linux values (x86-64 and arm64 share them).
        public const int OWronly = 0x1, OCreat = 0x40, OAppend = 0x400, OCloexec = 0x80000;

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", EntryPoint = "write", SetLastError = true)]
        public static extern nint Write(int fd, byte[] buffer, nint count);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);
    }
}
