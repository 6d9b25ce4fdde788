using Safeguard.Server.Api;

namespace Safeguard.Server.Tests;

/// <summary>Which spool files the start-up sweep removes: only those no live process can be writing.</summary>
public sealed class ImportSpoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-spool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Spool(int pid, DateTime lastWriteUtc, string suffix = ".spool")
    {
        var path = Path.Combine(_dir, $"import-{pid}-{Guid.NewGuid():N}{suffix}");
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, lastWriteUtc);
        return path;
    }

    [Fact]
    public void Files_of_dead_or_reused_pids_go_and_files_of_live_processes_stay()
    {
        var now = DateTime.UtcNow;
        using var finished = System.Diagnostics.Process.Start("true")!;
        finished.WaitForExit();
        var dead = Spool(finished.Id, now);
        var reused = Spool(1, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)); // pid 1 started long after this "write"
        var liveInit = Spool(1, now);
        var own = Spool(Environment.ProcessId, now);
        var other = Spool(finished.Id, now, ".txt"); // not a spool file's name
        var removed = ImportSpool.RemoveStale(_dir);
        Assert.Equal(new[] { dead, reused }.Order(), removed.Order());
        Assert.All(new[] { liveInit, own, other }, p => Assert.True(File.Exists(p), p));
        Assert.All(removed, p => Assert.False(File.Exists(p), p));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_spool_file_is_private_and_gone_when_closed()
    {
        string path;
        using (var f = ImportSpool.Create())
        {
            path = f.Name;
            Assert.StartsWith(ImportSpool.DirectoryPath, path);
            Assert.Matches($"import-{Environment.ProcessId}-[0-9a-f]{{32}}\\.spool$", path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(ImportSpool.DirectoryPath));
            f.Write([1, 2, 3]);
        }
        Assert.False(File.Exists(path));
    }
}
