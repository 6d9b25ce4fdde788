using System.Text.Json;

namespace Safeguard.Payments.Reports;

/// <summary>What a report needs from a scan's <c>summary.json</c>: the scanned feeds, the rates table and the base currency.</summary>
public sealed record ScanSummary(IReadOnlyList<string> Feeds, string? Rates, string BaseCurrency)
{
    public const int MaxBytes = 16 * 1024 * 1024;

    public static ScanSummary Read(string path)
    {
        JsonDocument doc;
        if (new FileInfo(path).Length > MaxBytes) throw new FormatException($"{path}: larger than {MaxBytes / (1024 * 1024)} MiB; not a scan summary");
        try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException ex) { throw new FormatException($"{path}: not JSON: {ex.Message}", ex); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: not a JSON object");
            var feeds = new List<string>();
            if (root.TryGetProperty("feeds", out var f) && f.ValueKind == JsonValueKind.Array)
                foreach (var e in f.EnumerateArray())
                    feeds.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException($"{path}: \"feeds\" must hold strings"));
            string? rates = root.TryGetProperty("rates", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            string baseCurrency = root.TryGetProperty("base_currency", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
            return new ScanSummary(feeds, rates, baseCurrency);
        }
    }
}
