using System.Globalization;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Exchanges.Services;
using Safeguard.Signals;

namespace Safeguard.Exchanges.Tat;

internal sealed record TatPage(List<ExchangeItem> Items, long Skipped, string? Checkpoint, string? Next, DateTimeOffset? Newest);

/// <summary>Reads the hash list JSON: count, next, previous, checkpoint ("time,id" of the page's last record) and results.</summary>
internal static class TatJson
{
    private static readonly HashSet<string> VideoFileTypes = new(["mov", "m4v", "mp4", "webm", "mkv", "avi", "wmv", "flv", "3gp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Safeguard's type for a TAT algorithm: an MD5 of a video is a video MD5, of anything else a file MD5.</summary>
    public static SignalType? SignalFor(string algorithm, string? fileType) => algorithm.ToUpperInvariant() switch
    {
        "PDQ" => SignalTypes.Pdq,
        "MD5" => fileType is not null && VideoFileTypes.Contains(fileType) ? SignalTypes.VideoMd5 : SignalTypes.Md5,
        "SHA1" => SignalTypes.Sha1,
        "SHA256" => SignalTypes.Sha256,
        _ => null,
    };

    public static string Token(byte[] body, ServiceHttp http)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("token", out var t)
                && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } token)
                return token;
            throw http.Error("the sign-in answer holds no token");
        }
        catch (JsonException e)
        {
            throw http.Error($"the sign-in answer is malformed JSON: {e.Message}");
        }
    }

    public static TatPage Parse(byte[] body, ExchangeLimits limits, ServiceHttp http)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
                throw http.Error("the hash list answer has no \"results\" list");
            var items = new List<ExchangeItem>();
            long skipped = 0;
            DateTimeOffset? newest = null;
            foreach (var entry in results.EnumerateArray())
            {
                var item = Entry(entry, limits, http, out var time);
                if (time is { } t && (newest is null || t > newest)) newest = t;
                if (item is null) skipped++;
                else items.Add(item);
            }
            return new TatPage(items, skipped, Str(root, "checkpoint") is { Length: > 0 } c ? c : null, Str(root, "next") is { Length: > 0 } n ? n : null, newest);
        }
        catch (JsonException e)
        {
            throw http.Error($"the hash list answer is malformed JSON: {e.Message}");
        }
    }

    private static ExchangeItem? Entry(JsonElement entry, ExchangeLimits limits, ServiceHttp http, out DateTimeOffset? time)
    {
        time = null;
        if (entry.ValueKind != JsonValueKind.Object) throw http.Error("a hash list entry is not an object");
        var digest = Str(entry, "hash_digest");
        var algorithm = Str(entry, "algorithm");
        if (entry.TryGetProperty("updated_on", out var u) && u.ValueKind == JsonValueKind.Number && u.TryGetDouble(out var secs) && secs is >= 0 and < 253402300800)
            time = DateTimeOffset.FromUnixTimeMilliseconds((long)(secs * 1000));
        var fileType = Str(entry, "file_type");
        if (string.IsNullOrWhiteSpace(digest) || algorithm is null || SignalFor(algorithm, fileType) is not { } signal) return null;
        var max = limits.MaxFieldChars;
        var id = entry.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetRawText() : Str(entry, "id");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["tat_algorithm"] = ServiceText.Clip(algorithm, max) };
        if (fileType is { Length: > 0 }) metadata["tat_file_type"] = ServiceText.Clip(fileType, max);
        var ideology = Str(entry, "ideology");
        if (ideology is { Length: > 0 }) metadata["tat_ideology"] = ServiceText.Clip(ideology, max);
        if (time is { } t) metadata["tat_updated_on"] = t.ToString("O", CultureInfo.InvariantCulture);
        var deleted = entry.TryGetProperty("deleted", out var d) && d.ValueKind == JsonValueKind.True;
        return new ExchangeItem(new EntryRecord(signal, digest.Trim())
        {
            Tags = ideology is { Length: > 0 } ? [ServiceText.Clip(ideology, max)] : [],
            Metadata = metadata,
        }, Withdrawn: deleted) { UpstreamId = id is null ? null : ServiceText.Clip(id, max) };
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
