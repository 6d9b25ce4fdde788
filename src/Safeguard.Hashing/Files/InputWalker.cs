namespace Safeguard.Hashing.Files;

/// <summary>One input the walker found: a file to hash, or a problem to report in its place.</summary>
public readonly record struct InputItem(string Path, string? Error = null);

/// <summary>
/// Expands command-line inputs into files: files as given, directories recursively in a stable
/// (ordinal) order, "-" as a list of paths on standard input. Symlinked directories are
/// followed once each, so link loops end; unreadable directories are reported and skipped.
/// </summary>
public static class InputWalker
{
    public const int MaxDepth = 256;

    public static IEnumerable<InputItem> Expand(IEnumerable<string> inputs, TextReader? stdin = null)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (input == "-")
            {
                var reader = stdin ?? Console.In;
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    if (line.Length == 0) continue;
                    foreach (var item in ExpandOne(line, visited)) yield return item;
                }
                continue;
            }
            foreach (var item in ExpandOne(input, visited)) yield return item;
        }
    }

    private static IEnumerable<InputItem> ExpandOne(string path, HashSet<string> visited)
    {
        if (Directory.Exists(path))
        {
            foreach (var item in WalkDirectory(path, visited, 0)) yield return item;
        }
        else if (File.Exists(path))
        {
            yield return new InputItem(path);
        }
        else
        {
            yield return new InputItem(path, LinkProblem(path) ?? "no such file or directory");
        }
    }

    private static IEnumerable<InputItem> WalkDirectory(string dir, HashSet<string> visited, int depth)
    {
        string? real = RealPath(dir);
        if (real is null)
        {
            yield return new InputItem(dir, LinkProblem(dir) ?? "cannot resolve directory");
            yield break;
        }
        if (!visited.Add(real))
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
            bool isDir;
            string? problem = null;
            if (entry.LinkTarget is not null)
            {
                problem = LinkProblem(path);
                isDir = problem is null && Directory.Exists(path);
            }
            else
            {
                isDir = entry is DirectoryInfo;
            }
            if (problem is not null)
                yield return new InputItem(path, problem);
            else if (isDir)
                foreach (var item in WalkDirectory(path, visited, depth + 1)) yield return item;
            else
                yield return new InputItem(path);
        }
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
