namespace Safeguard.Exchanges.Federation;

/// <summary>
/// The optional fields a publisher's grant lets a subscriber read. The signal type, value and op
/// are always sent; everything else only when granted.
/// </summary>
[Flags]
public enum FeedFields
{
    None = 0,
    /// <summary>category and grade.</summary>
    Categories = 1,
    Tags = 2,
    Notes = 4,
    Metadata = 8,
    /// <summary>original_media_uri.</summary>
    Uri = 16,
    /// <summary>content_id.</summary>
    ContentIds = 32,
}

public static class FeedFieldNames
{
    private static readonly (string Name, FeedFields Field)[] Names =
    [
        ("categories", FeedFields.Categories), ("tags", FeedFields.Tags), ("notes", FeedFields.Notes),
        ("metadata", FeedFields.Metadata), ("uri", FeedFields.Uri), ("content_ids", FeedFields.ContentIds),
    ];

    public static IEnumerable<string> All => Names.Select(n => n.Name);

    /// <summary>Parses "categories,tags"; empty is none. Throws <see cref="ArgumentException"/> naming an unknown field.</summary>
    public static FeedFields Parse(string? text)
    {
        var fields = FeedFields.None;
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Names.FirstOrDefault(n => string.Equals(n.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null) throw new ArgumentException($"unknown feed field '{part}' (fields: {string.Join(", ", All)})");
            fields |= match.Field;
        }
        return fields;
    }

    public static string Format(FeedFields fields) => string.Join(",", Names.Where(n => fields.HasFlag(n.Field)).Select(n => n.Name));
}
