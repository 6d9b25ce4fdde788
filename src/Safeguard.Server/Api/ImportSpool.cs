using System.Diagnostics;
using System.Globalization;

namespace Safeguard.Server.Api;

/// <summary>
/// Where bulk import uploads wait until they are complete: $TMPDIR/safeguard-spool-USER/import-PID-ID.spool.
/// A spool file is opened once (write, then read back through the same handle, so swapping the
/// path cannot change what is imported), readable by its owner only, and deleted when closed.
/// A process killed mid-import cannot close it; the next server start removes such files.
/// </summary>
internal static class ImportSpool
{
    private const string Prefix = "import-", Suffix = ".spool";

    public static string DirectoryPath => Path.Combine(Path.GetTempPath(), "safeguard-spool-" + Environment.UserName);

    /// <summary>A new, empty spool file, deleted when the stream is disposed.</summary>
    public static FileStream Create()
    {
        var dir = EnsureDirectory();
        var path = Path.Combine(dir, $"{Prefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}{Suffix}");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, // O_EXCL: never follows a planted link
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 1 << 16,
            Options = FileOptions.Asynchronous | FileOptions.DeleteOnClose,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    /// <summary>
    /// Deletes spool files whose process is gone (or whose pid now belongs to a process started
    /// after the file was last written); returns their paths. Files of live servers stay.
    /// </summary>
    public static List<string> RemoveStale() => RemoveStale(DirectoryPath);

    internal static List<string> RemoveStale(string dir)
    {
        var removed = new List<string>();
        if (!Directory.Exists(dir) || new DirectoryInfo(dir).LinkTarget is not null) return removed;
        foreach (var path in Directory.EnumerateFiles(dir, Prefix + "*" + Suffix))
        {
            var name = Path.GetFileName(path);
            var pidText = name[Prefix.Length..].Split('-', 2)[0];
            if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                if (OwnerAlive(pid, File.GetLastWriteTimeUtc(path))) continue;
                File.Delete(path);
                removed.Add(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { } // another user's, or gone meanwhile
        }
        return removed;
    }

    private static bool OwnerAlive(int pid, DateTime lastWriteUtc)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            // A process that started after the file's last write cannot have written it: a reused pid.
            return p.StartTime.ToUniversalTime() <= lastWriteUtc;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false; // no such process (any more)
        }
    }

    private static string EnsureDirectory()
    {
        var dir = DirectoryPath;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (new DirectoryInfo(dir).LinkTarget is not null)
            throw new IOException($"{dir} is a symbolic link; refusing to spool imports there (remove it, or set TMPDIR)");
        return dir;
    }
}
