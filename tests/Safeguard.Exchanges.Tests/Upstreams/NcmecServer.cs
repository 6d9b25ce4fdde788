using System.Collections.Concurrent;
using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Safeguard.Exchanges;

namespace Safeguard.Exchanges.Tests.Upstreams;

/// <summary>An NCMEC entry as the server holds it: fingerprints by NCMEC's element names.</summary>
public sealed record NcmecEntry(long Member, string Id, string Kind, bool Deleted, long Timestamp, string? Classification, IReadOnlyList<KeyValuePair<string, string>> Fingerprints);

/// <summary>A feedback vote as the server received it.</summary>
public sealed record NcmecVote(string Esp, string Entry, string Fingerprint, string Vote, string? ReasonGuid);

/// <summary>
/// NCMEC's hash sharing API v2 as the public client uses it: GET /v2/entries?from=&amp;to= with
/// HTTP basic auth, XML queryResult pages of images/videos (deletedImage/deletedVideo tombstones),
/// a paging/next path carrying start/size/max, GET /v2/feedback/{TYPE}/reasons and
/// PUT /v2/entries/{esp}/{id}/{TYPE}/feedback with a feedbackSubmission body.
/// </summary>
public sealed class NcmecServer : UpstreamServer
{
    public const string User = "safeguard-test";
    public const string Password = "ncmec-pw-7f3a9c";
    private static readonly XNamespace Ns = "https://hashsharing.ncmec.org/hashsharing/v2";

    public List<NcmecEntry> Entries { get; } = [];
    public int PageSize { get; set; } = 3;
    public List<KeyValuePair<string, string>> Reasons { get; } = [new("0f5e3a52-1b2c-4d5e-8f90-123456789abc", "Not CSAM")];
    public ConcurrentQueue<NcmecVote> Votes { get; } = new();

    public override string TypeName => "ncmec";
    protected override string MediaType => "application/xml";
    protected override string TruncatedBody => "<?xml version=\"1.0\"?><queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\"><images count=\"2\"><image><id>";
    protected override string BasePath => "/hashsharing";
    public override IReadOnlyList<string> Secrets => [Password];

    public override ExchangeSettings Settings() => new([new("username", User), new("password", Password), new("base_url", BaseUri.AbsoluteUri)]);
    public override ExchangeSettings WrongSecretSettings() => new([new("username", User), new("password", "not-the-password"), new("base_url", BaseUri.AbsoluteUri)]);

    /// <summary>A generated list: images with md5/sha1/pdq/pdna, videos with md5/sha1/videntifier, some deleted.</summary>
    public static NcmecServer WithGeneratedEntries(int count, int seed = 16)
    {
        var random = new Random(seed);
        var server = new NcmecServer();
        var start = new DateTimeOffset(2021, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        for (var i = 0; i < count; i++)
        {
            var kind = i % 3 == 2 ? "video" : "image";
            var deleted = i % 5 == 4;
            var prints = new List<KeyValuePair<string, string>>();
            if (!deleted)
            {
                prints.Add(new("md5", Hex(random, 16)));
                prints.Add(new("sha1", Hex(random, 20)));
                if (kind == "image") { prints.Add(new("pdq", Hex(random, 32))); prints.Add(new("pdna", Hex(random, 72))); }
                else prints.Add(new("videntifier", Hex(random, 40)));
            }
            server.Entries.Add(new NcmecEntry(40 + i % 3, $"{kind}{i}", kind, deleted, start + i * 3600L, i % 2 == 0 ? "A1" : "B2", prints));
        }
        return server;
    }

    public static string Hex(Random random, int bytes)
    {
        var b = new byte[bytes];
        random.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    protected override void Map(WebApplication app)
    {
        app.MapGet("/v2/entries", (HttpRequest request) =>
        {
            if (!HasBasic(request, User, Password)) return Results.Unauthorized();
            if (!TryTime(request.Query["from"], out var from) || !TryTime(request.Query["to"], out var to))
                return Results.BadRequest("from and to are required");
            // NCMEC does not answer in time order: a stable shuffle of the range.
            var range = Entries.Where(e => e.Timestamp >= from && e.Timestamp < to).OrderBy(e => StableKey(e.Id)).ToList();
            var start = int.TryParse(request.Query["start"], CultureInfo.InvariantCulture, out var s) ? s : 0;
            var size = int.TryParse(request.Query["size"], CultureInfo.InvariantCulture, out var z) ? z : PageSize;
            var page = range.Skip(start).Take(size).ToList();
            var nextStart = Misbehave == Misbehaviour.SamePageForever ? 0 : start + size;
            var hasNext = Misbehave == Misbehaviour.SamePageForever || nextStart < range.Count;
            var root = new XElement(Ns + "queryResult", Group(page, "image"), Group(page, "video"));
            if (hasNext)
                root.Add(new XElement(Ns + "paging", new XElement(Ns + "next",
                    $"/v2/entries?from={Uri.EscapeDataString(request.Query["from"]!)}&to={Uri.EscapeDataString(request.Query["to"]!)}&start={nextStart}&size={size}&max={range.Count}")));
            return Xml(root);
        });
        app.MapGet("/v2/feedback/{type}/reasons", (HttpRequest request, string type) =>
            !HasBasic(request, User, Password) ? Results.Unauthorized()
                : Xml(new XElement(Ns + "availableFeedbackReasons", Reasons.Select(r => new XElement(Ns + "reason",
                    new XAttribute("guid", r.Key), new XAttribute("name", r.Value), new XAttribute("type", type))))));
        app.MapPut("/v2/entries/{esp}/{id}/{type}/feedback", async (HttpRequest request, string esp, string id, string type) =>
        {
            if (!HasBasic(request, User, Password)) return Results.Unauthorized();
            if (request.ContentType?.StartsWith("application/xml", StringComparison.Ordinal) != true) return Results.StatusCode(415);
            var doc = await XDocument.LoadAsync(request.Body, LoadOptions.None, default);
            var vote = doc.Root?.Elements().FirstOrDefault();
            if (doc.Root?.Name != Ns + "feedbackSubmission" || vote is null) return Results.BadRequest("not a feedbackSubmission");
            var guid = vote.Element(Ns + "reasonIds")?.Element(Ns + "guid")?.Value;
            if (vote.Name == Ns + "negative" && !Reasons.Any(r => r.Key == guid)) return Results.BadRequest("unknown reason");
            Votes.Enqueue(new NcmecVote(esp, id, type, vote.Name.LocalName, guid));
            return Xml(new XElement(Ns + "submissionResult"));
        });
    }

    private static XElement? Group(List<NcmecEntry> page, string kind)
    {
        var entries = page.Where(e => e.Kind == kind).ToList();
        if (entries.Count == 0) return null;
        var group = new XElement(Ns + kind + "s", new XAttribute("count", entries.Count),
            new XAttribute("maxTimestamp", Format(entries.Max(e => e.Timestamp))));
        foreach (var e in entries)
        {
            var element = new XElement(Ns + (e.Deleted ? "deleted" + char.ToUpperInvariant(kind[0]) + kind[1..] : kind),
                new XElement(Ns + "member", new XAttribute("id", e.Member), $"Member {e.Member}"),
                new XElement(Ns + "timestamp", Format(e.Timestamp)),
                new XElement(Ns + "id", e.Id));
            if (!e.Deleted)
            {
                if (e.Classification is not null) element.Add(new XElement(Ns + "classification", e.Classification));
                element.Add(new XElement(Ns + "fingerprints", e.Fingerprints.Select(f => new XElement(Ns + f.Key, f.Value))));
            }
            group.Add(element);
        }
        return group;
    }

    private static int StableKey(string id) => id.Aggregate(17, (h, c) => unchecked(h * 31 + c)) & 0x7fffffff;

    private static string Format(long unix) => DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool TryTime(string? text, out long unix)
    {
        unix = 0;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return false;
        unix = t.ToUnixTimeSeconds();
        return true;
    }

    private static IResult Xml(XElement root) =>
        Results.Text(new XDocument(new XDeclaration("1.0", "UTF-8", "yes"), root).Declaration + root.ToString(), "application/xml; charset=utf-8");
}
