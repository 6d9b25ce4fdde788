using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Safeguard.Banks;

/// <summary>
/// Rules for an entry's free fields (note, metadata, original media URI, disable-until) and a
/// bank's matching ratio: every path that writes them (imports, edits, the API, the CLI) checks here.
/// </summary>
public static partial class EntryFields
{
    public const int MaxTextLength = 4096;
    public const int MaxMetadataKeys = 64;

    /// <summary>HMA refuses a disable-until more than five years ahead; so do we.</summary>
    public static readonly TimeSpan MaxDisableAhead = TimeSpan.FromDays(365 * 5);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex MetadataKeyPattern();

    public static void ValidateNote(string? note)
    {
        if (note is not null && note.Length > MaxTextLength)
            throw new BankException($"note: {note.Length} characters, at most {MaxTextLength} allowed");
    }

    public static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null) return;
        if (metadata.Count > MaxMetadataKeys)
            throw new BankException($"metadata: {metadata.Count} keys, at most {MaxMetadataKeys} allowed");
        foreach (var (key, value) in metadata)
        {
            if (!MetadataKeyPattern().IsMatch(key ?? ""))
                throw new BankException($"metadata key '{Category.Shorten(key ?? "")}': use 1-64 letters, digits, '_', '.' or '-'");
            if (value is null) throw new BankException($"metadata '{key}': the value is missing");
            if (value.Length > MaxTextLength)
                throw new BankException($"metadata '{key}': {value.Length} characters, at most {MaxTextLength} allowed");
        }
    }

    public static void ValidateUri(string? uri)
    {
        if (uri is null) return;
        if (uri.Length > MaxTextLength)
            throw new BankException($"original media URI: {uri.Length} characters, at most {MaxTextLength} allowed");
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https" or "s3" or "file"))
            throw new BankException($"original media URI '{Category.Shorten(uri)}': give an absolute http, https, s3 or file URI");
    }

    public static void ValidateDisableUntil(DateTimeOffset? until, DateTimeOffset now)
    {
        if (until is not { } t) return;
        if (t.ToUnixTimeMilliseconds() < 0) throw new BankException($"disable-until {t:O}: before 1970");
        if (t > now + MaxDisableAhead)
            throw new BankException($"disable-until {t:O}: more than five years ahead");
    }

    public static void ValidateRatio(double ratio)
    {
        if (double.IsNaN(ratio) || ratio is < 0 or > 1)
            throw new BankException($"matching enabled ratio {ratio.ToString(CultureInfo.InvariantCulture)}: must be between 0 and 1");
    }

    public static void ValidateQuarantineHours(int? hours)
    {
        if (hours is < 0 or > 24 * 365 * 5)
            throw new BankException($"new-entry quarantine {hours} hours: must be 0..{24 * 365 * 5}");
    }

    /// <summary>Checks every free field of a record before it is stored.</summary>
    public static void Validate(EntryRecord record, DateTimeOffset now)
    {
        ValidateNote(record.Note);
        ValidateMetadata(record.Metadata);
        ValidateUri(record.OriginalMediaUri);
        ValidateDisableUntil(record.DisableUntil, now);
    }

    /// <summary>Metadata as stored: a JSON object of strings (null stays null, so an import keeps what is stored).</summary>
    public static string? MetadataToJson(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is null ? null : JsonSerializer.Serialize(new SortedDictionary<string, string>(metadata.ToDictionary(), StringComparer.Ordinal));

    /// <summary>Stored metadata back as a dictionary; a value that is not a JSON object of strings reads as empty.</summary>
    public static IReadOnlyDictionary<string, string> MetadataFromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return BankEntry.EmptyMetadata;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? BankEntry.EmptyMetadata;
        }
        catch (JsonException)
        {
            return BankEntry.EmptyMetadata;
        }
    }
}

/// <summary>Changes to one entry's free fields; a null member leaves that field as it is.</summary>
public sealed record EntryUpdate
{
    public string? Note { get; init; }
    /// <summary>Replaces the whole metadata object (an empty one clears it).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public string? OriginalMediaUri { get; init; }
    /// <summary>Sets the wait; see <see cref="ClearDisableUntil"/> to remove it.</summary>
    public DateTimeOffset? DisableUntil { get; init; }
    public bool ClearDisableUntil { get; init; }
    public bool ClearNote { get; init; }
    public bool ClearOriginalMediaUri { get; init; }
}

/// <summary>Changes to a bank's settings; a null member leaves that setting as it is.</summary>
public sealed record BankUpdate
{
    public string? Description { get; init; }
    public double? MatchingEnabledRatio { get; init; }
    /// <summary>A new name for the bank.</summary>
    public string? Rename { get; init; }
    /// <summary>Hours a newly added entry waits before it matches (0: none).</summary>
    public int? NewEntryQuarantineHours { get; init; }
}
