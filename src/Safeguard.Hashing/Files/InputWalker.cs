namespace Safeguard.Hashing.Files;

/// <summary>
/// One input the walker found: a file to hash, a problem to report in its place, or a symbolic
/// link that was not followed (<see cref="LinkTarget"/> is the link's text; <see cref="Error"/> when
/// that is a problem, such as a broken link or one leading outside the inputs, else <see cref="LinkNote"/>).
/// </summary>
public readonly record struct InputItem(string Path, string? Error = null, string? LinkTarget = null, string? LinkNote = null)
{
    public bool IsLink => LinkTarget is not null;
    /// <summary>A file to hash (not a problem, not a link left alone).</summary>
    public bool IsFile => Error is null && LinkTarget is null;
}

/// <summary>What the walker does with a symbolic link it finds inside a directory it walks.</summary>
public enum SymlinkPolicy
{
    /// <summary>Never followed, never resolved: reported as a link with its target text (scan's default).</summary>
    Record,
    /// <summary>
    /// Resolved to its real path and followed only when that lies inside one of the inputs; a link
    /// leading elsewhere is reported, not followed. Every directory is walked once, so loops end.
    /// </summary>
    WithinInputs,
}

/// <summary>
/// Expands command-line inputs into files: files as given, directories recursively in a stable
/// (ordinal) order, "-" as a list of paths on standard input. An input named on the command line
/// is followed if it is a link; links found inside directories follow <see cref="SymlinkPolicy"/>
/// (with <see cref="SymlinkPolicy.WithinInputs"/> they are looked at after every input was
/// walked, so a file or folder reachable at its own place inside the inputs is walked there, once).
/// Unreadable directories are reported and skipped.
/// </summary>
public static class InputWalker
{
    public const int MaxDepth = 256;

    public static IEnumerable<InputItem> Expand(IEnumerable<string> inputs, TextReader? stdin = null) =>
        Expand(inputs, SymlinkPolicy.WithinInputs, stdin);

    public static IEnumerable<InputItem> Expand(IEnumerable<string> inputs, SymlinkPolicy policy, TextReader? stdin = null)
    {
        var walk = new Walk(policy);
        foreach (var input in inputs)
        {
            if (input == "-")
            {
                var reader = stdin ?? Console.In;
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    if (line.Length == 0) continue;
                    foreach (var item in walk.ExpandOne(line)) yield return item;
                }
                continue;
            }
            foreach (var item in walk.ExpandOne(input)) yield return item;
        }
        foreach (var item in walk.FollowDeferredLinks()) yield return item;
    }

    private sealed class Walk(SymlinkPolicy policy)
    {
        private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
        private readonly List<string> _roots = [];
        private readonly Queue<(string Path, int Depth)> _links = new();

        public IEnumerable<InputItem> ExpandOne(string path)
        {
            if (Directory.Exists(path))
            {
                if (RealPath(path) is { } real) _roots.Add(real);
                foreach (var item in WalkDirectory(path, 0)) yield return item;
            }
            else if (File.Exists(path))
            {
                if (RealFilePath(path) is { } real) _roots.Add(real);
                yield return new InputItem(path);
            }
            else
            {
                yield return new InputItem(path, LinkProblem(path) ?? "no such file or directory");
            }
        }

        private IEnumerable<InputItem> WalkDirectory(string dir, int depth)
        {
            string? real = RealPath(dir);
            if (real is null)
            {
                yield return new InputItem(dir, LinkProblem(dir) ?? "cannot resolve directory");
                yield break;
            }
            if (!_visited.Add(real))
            {
                yield return new InputItem(dir, "directory already visited (symlink loop or duplicate); skipped");
                yield break;
            }
            if (depth > MaxDepth)
            {
                yield return new InputItem(dir, $"directory nesting deeper than {MaxDepth}; skipped");
                yield break;
            }

            List<FileSystemInfo> entries;
            string? error = null;
            try
            {
                entries = new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions
                {
                    RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0,
                    ReturnSpecialDirectories = false, MatchType = MatchType.Simple,
                }).ToList();
                entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                entries = [];
                error = FileHasher.Describe(ex);
            }
            if (error is not null)
            {
                yield return new InputItem(dir, $"cannot list directory: {error}");
                yield break;
            }

            foreach (var entry in entries)
            {
                string path = Path.Combine(dir, entry.Name);
                // The enumeration's lstat marks links; only those cost a readlink.
                string? link = entry.Attributes.HasFlag(FileAttributes.ReparsePoint) ? LinkText(entry) : null;
                if (link is not null)
                {
                    if (policy == SymlinkPolicy.Record) yield return new InputItem(path, LinkTarget: link, LinkNote: "symlink; not followed");
                    else _links.Enqueue((path, depth + 1));
                }
                else if (entry is DirectoryInfo)
                    foreach (var item in WalkDirectory(path, depth + 1)) yield return item;
                else
                    yield return new InputItem(path);
            }
        }

        /// <summary>The links found on the way (WithinInputs), once every input has been walked and every root is known.</summary>
        public IEnumerable<InputItem> FollowDeferredLinks()
        {
            while (_links.TryDequeue(out var next))
            {
                var (path, depth) = next;
                string link = LinkText(new FileInfo(path)) ?? "";
                if (LinkProblem(path) is { } problem) { yield return new InputItem(path, problem, link); continue; }
                bool isDir = Directory.Exists(path);
                string? real = isDir ? RealPath(path) : RealFilePath(path);
                if (real is null) { yield return new InputItem(path, "cannot resolve symlink", link); continue; }
                if (!_roots.Any(root => Inside(real, root)))
                {
                    yield return new InputItem(path, $"symlink to '{real}', outside the inputs; not followed", link);
                    continue;
                }
                if (isDir)
                {
                    // Inside the inputs: walked here only if it was not walked at its own place.
                    foreach (var item in WalkDirectory(path, depth)) yield return item.Path == path && item.Error is not null ? item with { LinkTarget = link } : item;
                }
                else
                {
                    // A file inside the inputs is hashed at its own path (every real path under an input is walked).
                    yield return new InputItem(path, LinkTarget: link, LinkNote: $"symlink to '{real}', inside the inputs: hashed there");
                }
            }
        }

        private static bool Inside(string real, string root) =>
            real == root || root == "/" || real.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string? LinkText(FileSystemInfo entry)
    {
        try { return entry.LinkTarget; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>A broken or looping symlink's problem, or null when the path resolves.</summary>
    private static string? LinkProblem(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is null) return null;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is null || !target.Exists && !Directory.Exists(target.FullName) ? "broken symlink" : null;
        }
        catch (IOException)
        {
            return "symlink loop (too many levels of links)";
        }
        catch (UnauthorizedAccessException)
        {
            return "permission denied";
        }
    }

    /// <summary>A file's real path: its final link target, in its directory's real path.</summary>
    private static string? RealFilePath(string path)
    {
        try
        {
            var info = new FileInfo(Path.GetFullPath(path));
            var final = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || Path.GetDirectoryName(final.FullName) is not { } parent) return null;
            return RealPath(parent) is { } realParent ? Path.Combine(realParent, final.Name) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? RealPath(string dir)
    {
        try
        {
            var full = new DirectoryInfo(Path.GetFullPath(dir));
            // Resolve each link on the way so two routes to one directory compare equal.
            var parts = new Stack<string>();
            for (var d = full; d is not null; d = d.Parent)
            {
                if (d.LinkTarget is not null)
                {
                    var target = d.ResolveLinkTarget(returnFinalTarget: true);
                    if (target is null) return null;
                    var rest = parts.Count == 0 ? "" : Path.Combine([.. parts]);
                    var resolved = Path.Combine(target.FullName, rest);
                    return resolved == full.FullName ? resolved : RealPath(resolved);
                }
                parts.Push(d.Name);
                if (d.Parent is null) break;
            }
            return full.FullName.TrimEnd(Path.DirectorySeparatorChar) is { Length: > 0 } s ? s : full.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
