namespace Safeguard.Banks;

/// <summary>Tags are stored and exchanged ';'-separated; a tag itself never holds ';'.</summary>
public static class Tags
{
    public const char Separator = ';';

    public static IReadOnlyList<string> Split(string? joined) =>
        string.IsNullOrWhiteSpace(joined)
            ? []
            : joined.Split(Separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Joins tags for storage; null when there are none, so "no tags" never overwrites stored ones.</summary>
    public static string? Join(IEnumerable<string> tags)
    {
        var list = tags.SelectMany(t => Split(t)).Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? null : string.Join(Separator, list);
    }
}
