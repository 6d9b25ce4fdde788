using Safeguard.Hashing.Pdq;

namespace Safeguard.Cli.Bench;

/// <summary>
/// Plain PDQ hash lists: one 64-digit hex hash per line, optionally prefixed by <c>pdq</c>
/// (space or comma) and followed by more comma/space separated columns. Blank lines and lines
/// starting with '#' are skipped.
/// </summary>
public static class HashListFile
{
    /// <exception cref="FormatException">A line holds no valid hash; the message names file and line.</exception>
    public static Hash256[] Read(string path)
    {
        var hashes = new List<Hash256>();
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, true, 1 << 20);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#') continue;
            if (text.StartsWith("pdq", StringComparison.OrdinalIgnoreCase) && text.Length > 3 && (text[3] == ' ' || text[3] == ',' || text[3] == '\t'))
                text = text[4..].TrimStart();
            int end = text.IndexOfAny(", \t");
            var field = end < 0 ? text : text[..end];
            if (!Hash256.TryParse(field, out var hash))
                throw new FormatException($"{path}:{lineNumber}: not a 64-digit hex PDQ hash: '{Shorten(line)}'");
            hashes.Add(hash);
        }
        return hashes.ToArray();
    }

    public static void Write(string path, ReadOnlySpan<Hash256> hashes)
    {
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 20);
        Span<char> line = stackalloc char[Hash256.HexLength + 1];
        line[^1] = '\n';
        foreach (ref readonly var hash in hashes)
        {
            hash.TryFormat(line);
            writer.Write(line);
        }
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
