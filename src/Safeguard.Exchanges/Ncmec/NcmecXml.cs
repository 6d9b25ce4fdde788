using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Safeguard.Banks;
using Safeguard.Exchanges.Services;
using Safeguard.Signals;

namespace Safeguard.Exchanges.Ncmec;

/// <summary>One parsed page of GET /v2/entries.</summary>
internal sealed record NcmecPage(List<ExchangeItem> Items, long Skipped, DateTimeOffset? MaxTimestamp, string? Next);

/// <summary>Reads NCMEC's XML. Namespaces are ignored (elements are matched by local name), DTDs refused.</summary>
internal static class NcmecXml
{
    public const string Namespace = "https://hashsharing.ncmec.org/hashsharing/v2";

    public static XElement Load(byte[] body, ServiceHttp http, string what)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 0,
            MaxCharactersInDocument = body.LongLength * 2 + 1024,
        };
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            using var reader = XmlReader.Create(stream, settings);
            return XDocument.Load(reader).Root ?? throw http.Error($"{what} answered with an XML document without a root");
        }
        catch (XmlException e)
        {
            throw http.Error($"{what} answered with malformed XML: {e.Message}");
        }
    }

    private static XElement? Child(XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name);

    public static NcmecPage ParseEntries(XElement root, NcmecOptions options, ExchangeLimits limits, ServiceHttp http)
    {
        if (root.Name.LocalName != "queryResult")
            throw http.Error($"the entries answer is not a queryResult document (root '{root.Name.LocalName}')");
        var items = new List<ExchangeItem>();
        long skipped = 0;
        DateTimeOffset? max = null;
        foreach (var group in root.Elements().Where(e => e.Name.LocalName is "images" or "videos"))
        {
            if (group.Attribute("maxTimestamp") is { } ts && ParseTime(ts.Value) is { } t && (max is null || t > max)) max = t;
            foreach (var entry in group.Elements())
                skipped += AddEntry(entry, options, limits, http, items);
        }
        var next = root.Elements().FirstOrDefault(e => e.Name.LocalName == "paging") is { } paging ? Child(paging, "next")?.Value.Trim() : null;
        return new NcmecPage(items, skipped, max, string.IsNullOrEmpty(next) ? null : next);
    }

    private static long AddEntry(XElement entry, NcmecOptions options, ExchangeLimits limits, ServiceHttp http, List<ExchangeItem> items)
    {
        var tag = entry.Name.LocalName;
        var deleted = tag.StartsWith("deleted", StringComparison.Ordinal);
        var kind = (deleted ? tag["deleted".Length..] : tag).ToLowerInvariant();
        if (kind is not ("image" or "video")) return 0; // a future element NCMEC adds: not an entry we know
        var id = Child(entry, "id")?.Value.Trim();
        var memberText = Child(entry, "member")?.Attribute("id")?.Value;
        if (string.IsNullOrEmpty(id) || !long.TryParse(memberText, CultureInfo.InvariantCulture, out var member))
            throw http.Error($"an entries answer holds a <{tag}> without an <id> or a <member id=...>");
        if (options.OnlyEspIds.Count > 0 && !options.OnlyEspIds.Contains(member)) return 0;
        var upstreamId = $"{member.ToString(CultureInfo.InvariantCulture)}-{id}";
        if (deleted)
        {
            items.Add(ExchangeItem.WithdrawUpstreamId(upstreamId));
            return 0;
        }
        var classification = Child(entry, "classification")?.Value.Trim();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ncmec_member_id"] = member.ToString(CultureInfo.InvariantCulture),
            ["ncmec_entry_id"] = ServiceText.Clip(id, limits.MaxFieldChars),
            ["ncmec_entry_type"] = kind,
        };
        if (!string.IsNullOrEmpty(classification)) metadata["ncmec_classification"] = ServiceText.Clip(classification, limits.MaxFieldChars);
        if (Child(entry, "timestamp")?.Value is { } when && ParseTime(when) is { } time) metadata["ncmec_timestamp"] = time.ToString("O", CultureInfo.InvariantCulture);
        long skipped = 0;
        foreach (var print in Child(entry, "fingerprints")?.Elements() ?? [])
        {
            var value = print.Value.Trim();
            if (value.Length == 0) continue;
            if (SignalFor(kind, print.Name.LocalName) is not { } type) { skipped++; continue; }
            items.Add(new ExchangeItem(new EntryRecord(type, value)
            {
                Tags = string.IsNullOrEmpty(classification) ? [] : [ServiceText.Clip(classification, limits.MaxFieldChars)],
                Metadata = metadata,
            }) { UpstreamId = upstreamId });
        }
        return skipped;
    }

    /// <summary>Safeguard's type for an NCMEC fingerprint of an image or video; null when Safeguard has none (PhotoDNA, NetClean, ...).</summary>
    public static SignalType? SignalFor(string kind, string fingerprint) => (kind, fingerprint.ToLowerInvariant()) switch
    {
        ("image", "md5") => SignalTypes.Md5,
        ("video", "md5") => SignalTypes.VideoMd5,
        (_, "sha1") => SignalTypes.Sha1,
        ("image", "pdq") => SignalTypes.Pdq,
        ("video", "tmk_pdqf") => SignalTypes.Tmk,
        _ => null,
    };

    /// <summary>NCMEC's name for a Safeguard signal type in feedback paths.</summary>
    public static string? FingerprintFor(string signalType) => signalType.ToLowerInvariant() switch
    {
        "md5" or "video_md5" => "MD5",
        "sha1" => "SHA1",
        "pdq" => "PDQ",
        "tmk" => "TMK_PDQF",
        _ => null,
    };

    public static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    public static string FormatTime(long unixSeconds) =>
        DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The feedback body: an affirmative vote, or a negative one with its reason.</summary>
    public static byte[] FeedbackBody(string? negativeReason)
    {
        XNamespace ns = Namespace;
        var vote = negativeReason is null
            ? new XElement(ns + "affirmative")
            : new XElement(ns + "negative", new XElement(ns + "reasonIds", new XElement(ns + "guid", negativeReason)));
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement(ns + "feedbackSubmission", vote));
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) })) doc.Save(writer);
        return stream.ToArray();
    }
}
