using System.Runtime.CompilerServices;
using Safeguard.Exchanges.Lists;

namespace Safeguard.Exchanges.FileExchange;

/// <summary>
/// Reads the file's size and modification time, then (when they moved) its SHA-256: the same
/// content gives an unchanged page, new content one page with the whole list. The list is read a
/// second time while it is imported, and refused if its hash no longer matches (changed mid-read).
/// </summary>
internal sealed class FileExchangeClient(ExchangeSettings settings, ExchangeContext context) : IExchangeClient
{
    internal sealed record Checkpoint(string Sha256, long Size, long Mtime);

    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        var path = ResolvePath(settings.Require(FileExchangeType.PathSetting.Name));
        var info = new FileInfo(path);
        if (!info.Exists) throw new ExchangeException($"{path}: no such file") { Transient = true };
        long max = context.Limits.MaxListBytes;
        if (info.Length > max) throw HashList.TooLarge(path, max);
        long mtime = info.LastWriteTimeUtc.Ticks;
        var previous = HashList.FromJson<Checkpoint>(checkpoint);
        if (previous is not null && previous.Size == info.Length && previous.Mtime == mtime)
        {
            yield return new ExchangePage { Items = [], Checkpoint = checkpoint!, Unchanged = true, ReplacesAll = true };
            yield break;
        }
        string sha;
        await using (var stream = Open(path))
            (sha, _) = await HashList.HashAsync(stream, max, path, ct);
        var next = HashList.ToJson(new Checkpoint(sha, info.Length, mtime));
        bool same = previous?.Sha256 == sha;
        yield return new ExchangePage
        {
            Items = same ? [] : ReadVerified(path, sha, max),
            Checkpoint = next, Unchanged = same, ReplacesAll = true,
            UpstreamTime = new DateTimeOffset(info.LastWriteTimeUtc),
        };
    }

    private IEnumerable<ExchangeItem> ReadVerified(string path, string sha, long max)
    {
        using var hashing = new HashingStream(Open(path), max, path);
        foreach (var item in HashList.Read(hashing, path, path, settings)) yield return item;
        if (hashing.FinishSha256() != sha) throw new ExchangeException($"{path}: the file changed while it was read; try again") { Transient = true };
    }

    private static FileStream Open(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExchangeException($"{path}: cannot read: {ex.Message}", ex) { Transient = true };
        }
    }

    /// <summary>The full path, which must lie under one of the context's file roots when it has any.</summary>
    private string ResolvePath(string configured)
    {
        string full;
        try { full = Path.GetFullPath(configured); }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ExchangeException($"setting 'path': '{configured}' is not a usable path: {ex.Message}");
        }
        if (context.FileRoots.Count == 0) return full;
        // A link inside a root may point outside it: the target is what is read.
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        foreach (var root in context.FileRoots)
        {
            var r = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
            if (full.StartsWith(r, StringComparison.Ordinal) && target.StartsWith(r, StringComparison.Ordinal)) return full;
        }
        throw new ExchangeException($"setting 'path': '{configured}' is outside the folders file exchanges may read ({string.Join(", ", context.FileRoots)})");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
