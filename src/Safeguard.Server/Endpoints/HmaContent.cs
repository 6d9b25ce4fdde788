using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Endpoints;

/// <summary>A bank as HMA's content answers name it.</summary>
public sealed record HmaBankRef(string Name, double MatchingEnabledRatio);

/// <summary>
/// HMA's bank content (BankContentResponse): one Safeguard entry, its id as the content id. HMA's
/// disable_until_ts: 0 disabled, 1 enabled, else Unix seconds before which it does not match.
/// </summary>
public sealed record HmaContentDto(long Id, long DisableUntilTs, string? OriginalMediaUri, HmaBankRef Bank,
    Dictionary<string, string>? Signals, HmaContentMetadata? Metadata, string? Note);

/// <summary>HMA's user metadata: content_id, content_uri and free JSON (Safeguard keeps its members as strings).</summary>
public sealed record HmaContentMetadata(string? ContentId, string? ContentUri, Dictionary<string, string>? Json);

/// <summary>Converts between Safeguard entries and HMA's content shapes.</summary>
internal static class HmaContent
{
    public const long Disabled = 0, Enabled = 1;

    public static HmaContentDto ToDto(BankEntry e, BankInfo bank, bool includeSignals, bool includeMetadata)
    {
        long until = e.Disabled ? Disabled : e.DisableUntil is { } t ? Math.Max(2, t.ToUnixTimeSeconds()) : Enabled;
        HmaContentMetadata? metadata = null;
        if (includeMetadata && (e.ContentId is not null || e.Metadata.Count > 0))
        {
            var json = e.Metadata.Where(p => p.Key != "content_uri").ToDictionary(p => p.Key, p => p.Value);
            metadata = new HmaContentMetadata(e.ContentId, e.Metadata.GetValueOrDefault("content_uri"), json.Count > 0 ? json : null);
        }
        return new HmaContentDto(e.Id, until, e.OriginalMediaUri, new HmaBankRef(bank.Name, bank.MatchingEnabledRatio),
            includeSignals ? new Dictionary<string, string> { [e.SignalType] = e.Value } : null, metadata, e.Note);
    }

    /// <summary>HMA's metadata object: content_id, content_uri, json (its members kept as text); collab is ignored as HMA does; anything else is refused.</summary>
    public static (string? ContentId, Dictionary<string, string>? Metadata) ParseMetadata(JsonElement metadata)
    {
        if (metadata.ValueKind == JsonValueKind.Null) return (null, null);
        if (metadata.ValueKind != JsonValueKind.Object) throw new ValidationException("metadata should be a json object");
        string? contentId = null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in metadata.EnumerateObject())
        {
            switch (p.Name)
            {
                case "collab": break;
                case "content_id": contentId = Text(p.Value, "metadata.content_id"); break;
                case "content_uri": if (Text(p.Value, "metadata.content_uri") is { } uri) result["content_uri"] = uri; break;
                case "json":
                    if (p.Value.ValueKind == JsonValueKind.Null) break;
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new ValidationException("metadata.json should be a json object");
                    foreach (var j in p.Value.EnumerateObject())
                        result[j.Name] = j.Value.ValueKind switch
                        {
                            JsonValueKind.String => j.Value.GetString()!,
                            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => j.Value.GetRawText(),
                            _ => throw new ValidationException($"metadata.json.{Short(j.Name)}: only strings, numbers and booleans are kept"),
                        };
                    break;
                default: throw new ValidationException($"Invalid metadata: unknown field '{Short(p.Name)}' (known: content_id, content_uri, json)");
            }
        }
        try
        {
            EntryFields.ValidateMetadata(result);
        }
        catch (BankException ex) { throw new ValidationException(ex.Message); }
        return (contentId, result.Count > 0 ? result : null);
    }

    /// <summary>HMA's note: a string (empty means none).</summary>
    public static string? ParseNote(JsonElement note) => note.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => note.GetString() is { Length: > 0 } s ? s : null,
        _ => throw new ValidationException("note should be a string"),
    };

    private static string? Text(JsonElement v, string field) => v.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => v.GetString(),
        _ => throw new ValidationException($"{field} should be a string"),
    };

    private static string Short(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
