using System.Globalization;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Exchanges.Services;
using Safeguard.Signals;

namespace Safeguard.Exchanges.StopNcii;

internal sealed record StopNciiPage(List<ExchangeItem> Items, long Skipped, long NextSetTimestamp, string? NextPageToken, bool HasMoreRecords, long? Newest);

/// <summary>Reads FetchHashes' JSON: count, nextPageToken, nextSetTimestamp, hasMoreRecords and hashRecords.</summary>
internal static class StopNciiJson
{
    /// <summary>Safeguard's type for a StopNCII signal type; null for the ones it has none of (Text, URL, Unknown).</summary>
    public static SignalType? SignalFor(string type) => type switch
    {
        "ImagePDQ" => SignalTypes.Pdq,
        "VideoMD5" => SignalTypes.VideoMd5,
        "VideoTMK" => SignalTypes.Tmk,
        _ => null,
    };

    public static string? TypeFor(string signalType) => signalType.ToLowerInvariant() switch
    {
        "pdq" => "ImagePDQ",
        "video_md5" => "VideoMD5",
        "tmk" => "VideoTMK",
        _ => null,
    };

    public static StopNciiPage Parse(byte[] body, ExchangeLimits limits, ServiceHttp http)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw http.Error("the FetchHashes answer is not a JSON object");
            if (!root.TryGetProperty("nextSetTimestamp", out var nst) || nst.ValueKind != JsonValueKind.Number)
                throw http.Error("the FetchHashes answer has no numeric nextSetTimestamp");
            var hasMore = root.TryGetProperty("hasMoreRecords", out var hm) && hm.ValueKind == JsonValueKind.True;
            var token = root.TryGetProperty("nextPageToken", out var npt) && npt.ValueKind == JsonValueKind.String ? npt.GetString() : null;
            var items = new List<ExchangeItem>();
            long skipped = 0;
            long? newest = null;
            if (root.TryGetProperty("hashRecords", out var records))
            {
                if (records.ValueKind != JsonValueKind.Array) throw http.Error("the FetchHashes answer's hashRecords is not a list");
                foreach (var record in records.EnumerateArray())
                {
                    var item = Record(record, limits, http, out var time);
                    if (time is { } t && (newest is null || t > newest)) newest = t;
                    if (item is null) skipped++;
                    else items.Add(item);
                }
            }
            return new StopNciiPage(items, skipped, nst.GetInt64(), string.IsNullOrEmpty(token) ? null : token, hasMore, newest);
        }
        catch (JsonException e)
        {
            throw http.Error($"the FetchHashes answer is malformed JSON: {e.Message}");
        }
        catch (FormatException e)
        {
            throw http.Error($"the FetchHashes answer has a number out of range: {e.Message}");
        }
    }

    private static ExchangeItem? Record(JsonElement record, ExchangeLimits limits, ServiceHttp http, out long? time)
    {
        time = null;
        if (record.ValueKind != JsonValueKind.Object) throw http.Error("a FetchHashes hash record is not an object");
        var type = Str(record, "signalType");
        var value = Str(record, "hashValue");
        if (record.TryGetProperty("lastModtimestamp", out var lm) && lm.ValueKind == JsonValueKind.Number) time = lm.GetInt64();
        // A record this client cannot read is skipped, as the public client does, not fatal.
        if (type is null || string.IsNullOrWhiteSpace(value) || SignalFor(type) is not { } signal) return null;
        var status = Str(record, "hashStatus") ?? "Unknown";
        var withdrawn = status is "Withdrawn" or "Deleted";
        var max = limits.MaxFieldChars;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["stopncii_status"] = ServiceText.Clip(status, max) };
        if (time is { } t && ServiceText.UnixTime(t) is { } when) metadata["stopncii_modified"] = when.ToString("O", CultureInfo.InvariantCulture);
        if (record.TryGetProperty("caseNumbers", out var cases) && cases.ValueKind == JsonValueKind.Object)
            metadata["stopncii_cases"] = cases.EnumerateObject().Count().ToString(CultureInfo.InvariantCulture);
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        var votes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (record.TryGetProperty("CSPFeedbacks", out var feedbacks) && feedbacks.ValueKind == JsonValueKind.Array)
            foreach (var f in feedbacks.EnumerateArray())
            {
                if (Str(f, "feedbackValue") is { } v) votes[v] = votes.GetValueOrDefault(v) + 1;
                if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("tags", out var ft) && ft.ValueKind == JsonValueKind.Array)
                    foreach (var tag in ft.EnumerateArray())
                        if (tag.ValueKind == JsonValueKind.String && tag.GetString() is { Length: > 0 } s) tags.Add(ServiceText.Clip(s, max));
            }
        if (votes.Count > 0) metadata["stopncii_feedback"] = ServiceText.Clip(string.Join(',', votes.Select(kv => $"{kv.Key}:{kv.Value}")), max);
        return new ExchangeItem(new EntryRecord(signal, value.Trim()) { Tags = [.. tags], Metadata = metadata }, Withdrawn: withdrawn);
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
