namespace Safeguard.Hashing.Files;

/// <summary>Which signals to compute for a file.</summary>
[Flags]
public enum HashSignals
{
    None = 0,
    Pdq = 1,
    Md5 = 2,
    Sha1 = 4,
    Sha256 = 8,
    Exact = Md5 | Sha1 | Sha256,
    All = Pdq | Exact,
}

public static class HashSignalNames
{
    public static readonly (string Name, HashSignals Signal)[] Ordered =
    [
        ("pdq", HashSignals.Pdq), ("md5", HashSignals.Md5), ("sha1", HashSignals.Sha1), ("sha256", HashSignals.Sha256),
    ];

    /// <summary>Parses "pdq,md5"; throws FormatException naming an unknown signal.</summary>
    public static HashSignals Parse(string list)
    {
        var result = HashSignals.None;
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Ordered.FirstOrDefault(o => o.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
                throw new FormatException($"unknown signal '{part}' (expected one or more of: {string.Join(", ", Ordered.Select(o => o.Name))})");
            result |= match.Signal;
        }
        if (result == HashSignals.None) throw new FormatException("no signals given");
        return result;
    }
}
