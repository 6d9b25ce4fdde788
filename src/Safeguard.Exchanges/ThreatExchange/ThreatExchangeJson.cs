using System.Globalization;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Exchanges.Services;
using Safeguard.Signals;

namespace Safeguard.Exchanges.ThreatExchange;

/// <summary>One update of a page: its id and time, and the item (null: a type Safeguard lacks).</summary>
internal sealed record ThreatExchangeUpdate(string Id, long Time, ExchangeItem? Item);

internal sealed record ThreatExchangePage(List<ThreatExchangeUpdate> Updates, string? Next);

/// <summary>Reads the JSON of /threat_updates: {"data": [updates], "paging": {"next": url}}.</summary>
internal static class ThreatExchangeJson
{
    /// <summary>Safeguard's type for a ThreatExchange indicator type; null when it has none (URLs, domains, PhotoDNA, ...).</summary>
    public static SignalType? SignalFor(string type) => type switch
    {
        "HASH_PDQ" => SignalTypes.Pdq,
        "HASH_MD5" => SignalTypes.Md5,
        "HASH_VIDEO_MD5" => SignalTypes.VideoMd5,
        "HASH_SHA1" => SignalTypes.Sha1,
        "HASH_SHA256" => SignalTypes.Sha256,
        "HASH_TMK" => SignalTypes.Tmk,
        _ => null,
    };

    public static ThreatExchangePage ParseUpdates(byte[] body, ExchangeLimits limits, ServiceHttp http)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                throw http.Error("the threat_updates answer has no \"data\" list");
            var updates = new List<ThreatExchangeUpdate>();
            foreach (var update in data.EnumerateArray())
                updates.Add(ParseUpdate(update, limits, http));
            string? next = null;
            if (root.TryGetProperty("paging", out var paging) && paging.ValueKind == JsonValueKind.Object
                && paging.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } link)
                next = link;
            return new ThreatExchangePage(updates, next);
        }
        catch (JsonException e)
        {
            throw http.Error($"the threat_updates answer is malformed JSON: {e.Message}");
        }
        catch (FormatException e)
        {
            throw http.Error($"the threat_updates answer has a number out of range: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw http.Error($"the threat_updates answer has a field of the wrong kind: {e.Message}");
        }
    }

    private static ThreatExchangeUpdate ParseUpdate(JsonElement update, ExchangeLimits limits, ServiceHttp http)
    {
        if (update.ValueKind != JsonValueKind.Object) throw http.Error("a threat update is not an object");
        var id = Text(update, "id") ?? throw http.Error("a threat update has no id");
        var indicator = Text(update, "indicator") ?? throw http.Error($"threat update {id} has no indicator");
        var type = Text(update, "type") ?? throw http.Error($"threat update {id} has no type");
        if (!update.TryGetProperty("last_updated", out var lu)) throw http.Error($"threat update {id} has no last_updated");
        var time = lu.ValueKind == JsonValueKind.Number ? lu.GetInt64()
            : long.TryParse(lu.GetString(), CultureInfo.InvariantCulture, out var parsed) ? parsed
            : throw http.Error($"threat update {id} has a last_updated that is not a time");
        if (SignalFor(type) is not { } signal) return new ThreatExchangeUpdate(id, time, null);
        var hasDescriptors = update.TryGetProperty("descriptors", out var descriptors) && descriptors.ValueKind == JsonValueKind.Object;
        var delete = !hasDescriptors || (update.TryGetProperty("should_delete", out var sd) && sd.ValueKind == JsonValueKind.True);
        var max = limits.MaxFieldChars;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["te_indicator_id"] = ServiceText.Clip(id, max), ["te_type"] = type };
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        if (!delete)
        {
            var ids = new List<string>();
            var statuses = new SortedSet<string>(StringComparer.Ordinal);
            if (descriptors.TryGetProperty("data", out var list) && list.ValueKind == JsonValueKind.Array)
                foreach (var d in list.EnumerateArray())
                {
                    if (Text(d, "id") is { } did) ids.Add(did);
                    if (Text(d, "status") is { } status) statuses.Add(status);
                    foreach (var tag in Tags(d)) tags.Add(ServiceText.Clip(tag, max));
                }
            if (ids.Count > 0) metadata["te_descriptor_ids"] = ServiceText.Clip(string.Join(',', ids), max);
            if (statuses.Count > 0) metadata["te_status"] = ServiceText.Clip(string.Join(',', statuses), max);
        }
        if (ServiceText.UnixTime(time) is { } when) metadata["te_last_updated"] = when.ToString("O", CultureInfo.InvariantCulture);
        return new ThreatExchangeUpdate(id, time,
            new ExchangeItem(new EntryRecord(signal, indicator.Trim()) { Tags = [.. tags], Metadata = metadata }, Withdrawn: delete) { UpstreamId = id });
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind switch { JsonValueKind.String => v.GetString(), JsonValueKind.Number => v.GetRawText(), _ => null }
            : null;

    /// <summary>A descriptor's tags: a list of names, or the Graph API's {"data": [{"text": name}]}.</summary>
    private static IEnumerable<string> Tags(JsonElement descriptor)
    {
        if (!descriptor.TryGetProperty("tags", out var tags)) yield break;
        if (tags.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in tags.EnumerateArray()) if (t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } s) yield return s;
        }
        else if (tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var t in data.EnumerateArray()) if (Text(t, "text") is { Length: > 0 } s) yield return s;
        }
    }
}
