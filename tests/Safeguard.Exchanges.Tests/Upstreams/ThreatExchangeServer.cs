using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Safeguard.Exchanges;

namespace Safeguard.Exchanges.Tests.Upstreams;

public sealed record TeDescriptor(string Id, long Owner, IReadOnlyList<string> Tags, string Status, bool TagsAsGraphObject = false);

public sealed record TeUpdate(string Id, string Indicator, string Type, long LastUpdated, bool ShouldDelete, IReadOnlyList<TeDescriptor> Descriptors);

/// <summary>
/// ThreatExchange's Graph API as the public client uses it: GET /{privacy_group}/threat_updates/
/// with access_token, start_time, limit, fields (and types), answering {"data": [...],
/// "paging": {"cursors": {...}, "next": absolute url}}; a bad token is HTTP 400 with an
/// OAuthException (code 190); reactions are POST /{descriptor_id}/ with "reactions".
/// </summary>
public sealed class ThreatExchangeServer : UpstreamServer
{
    public const string Token = "1234567890|abcdefghijklmnopqrstuvwxyz0123";
    public const string PrivacyGroup = "303636684709969";

    public List<TeUpdate> Updates { get; } = [];
    public int PageSize { get; set; } = 4;
    public ConcurrentQueue<KeyValuePair<string, string>> Reactions { get; } = new();

    public override string TypeName => "threatexchange";
    protected override string MediaType => "application/json";
    protected override string TruncatedBody => "{\"data\": [{\"id\": \"1\", \"indicator\": \"ab";
    protected override string BasePath => "/v21.0";
    public override IReadOnlyList<string> Secrets => [Token, Token.Split('|')[1]];

    public override ExchangeSettings Settings() => new([new("access_token", Token), new("privacy_group", PrivacyGroup), new("base_url", BaseUri.AbsoluteUri), new("page_size", PageSize.ToString(CultureInfo.InvariantCulture))]);
    public override ExchangeSettings WrongSecretSettings() => new([new("access_token", "1234567890|zzzzzzzzzzzzzzzzzzzzzzzzzzzz"), new("privacy_group", PrivacyGroup), new("base_url", BaseUri.AbsoluteUri)]);

    /// <summary>Updates of PDQ, MD5, video MD5 and URI (a type Safeguard lacks) indicators, some deleted, one second apart.</summary>
    public static ThreatExchangeServer WithGeneratedUpdates(int count, int seed = 16)
    {
        var random = new Random(seed);
        var server = new ThreatExchangeServer();
        string[] types = ["HASH_PDQ", "HASH_MD5", "HASH_VIDEO_MD5", "URI"];
        for (var i = 0; i < count; i++)
        {
            var type = types[i % types.Length];
            var indicator = type switch
            {
                "HASH_PDQ" => NcmecServer.Hex(random, 32),
                "URI" => $"https://example.invalid/{i}",
                _ => NcmecServer.Hex(random, 16),
            };
            var deleted = i % 5 == 3;
            IReadOnlyList<TeDescriptor> descriptors = deleted ? [] :
            [
                new($"{9000 + i}", 494491891138576, ["media_type_photo", $"tag{i % 3}"], "MALICIOUS", TagsAsGraphObject: i % 2 == 0),
            ];
            server.Updates.Add(new TeUpdate($"{7000 + i}", indicator, type, 1_700_000_000L + i, deleted, descriptors));
        }
        return server;
    }

    protected override void Map(WebApplication app)
    {
        app.MapGet("/{group}/threat_updates", (HttpRequest request, string group) =>
        {
            if (request.Query["access_token"] != Token)
                return Results.Json(new { error = new { message = "Invalid OAuth access token - Cannot parse access token", type = "OAuthException", code = 190 } }, statusCode: 400);
            if (group != PrivacyGroup)
                return Results.Json(new { error = new { message = "Unsupported get request.", type = "GraphMethodException", code = 100 } }, statusCode: 400);
            var fields = request.Query["fields"].ToString();
            if (!fields.Contains("should_delete", StringComparison.Ordinal) || !fields.Contains("descriptors{", StringComparison.Ordinal))
                return Results.Json(new { error = new { message = "fields must ask for should_delete and descriptors", type = "OAuthException", code = 100 } }, statusCode: 400);
            var start = long.TryParse(request.Query["start_time"], CultureInfo.InvariantCulture, out var st) ? st : 0;
            var types = request.Query["types"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
            var limit = int.TryParse(request.Query["limit"], CultureInfo.InvariantCulture, out var l) ? l : 25;
            var offset = request.Query["after"].ToString() is { Length: > 0 } after ? int.Parse(Encoding.ASCII.GetString(Convert.FromBase64String(after)), CultureInfo.InvariantCulture) : 0;
            var matching = Updates.Where(u => u.LastUpdated >= start && (types.Length == 0 || types.Contains(u.Type))).OrderBy(u => u.LastUpdated).ToList();
            var page = matching.Skip(offset).Take(limit).ToList();
            var nextOffset = Misbehave == Misbehaviour.SamePageForever ? offset : offset + limit;
            string? next = null;
            if (Misbehave == Misbehaviour.SamePageForever || nextOffset < matching.Count)
            {
                var query = $"access_token={Uri.EscapeDataString(Token)}&limit={limit}&fields={Uri.EscapeDataString(fields)}"
                    + (request.Query.ContainsKey("start_time") ? $"&start_time={start}" : "")
                    + (types.Length > 0 ? $"&types={Uri.EscapeDataString(string.Join(',', types))}" : "")
                    + $"&after={Cursor(nextOffset)}";
                next = $"{BaseUri.AbsoluteUri.TrimEnd('/')}/{group}/threat_updates/?{query}";
            }
            return Results.Json(new Dictionary<string, object?>
            {
                ["data"] = page.Select(Json).ToList(),
                ["paging"] = new Dictionary<string, object?>
                {
                    ["cursors"] = new { before = Cursor(offset), after = Cursor(offset + page.Count) },
                    ["next"] = next,
                },
            });
        });
        app.MapPost("/{descriptor}", async (HttpRequest request, string descriptor) =>
        {
            if (request.Query["access_token"] != Token)
                return Results.Json(new { error = new { message = "Invalid OAuth access token.", type = "OAuthException", code = 190 } }, statusCode: 400);
            var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
            var reaction = form?["reactions"].ToString() is { Length: > 0 } r ? r : request.Query["reactions"].ToString();
            if (reaction.Length == 0) return Results.Json(new { error = new { message = "reactions missing", type = "OAuthException", code = 100 } }, statusCode: 400);
            Reactions.Enqueue(new(descriptor, reaction));
            return Results.Json(new { success = true });
        });
    }

    private static string Cursor(int offset) => Convert.ToBase64String(Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture)));

    private static Dictionary<string, object?> Json(TeUpdate u)
    {
        var json = new Dictionary<string, object?>
        {
            ["id"] = u.Id, ["indicator"] = u.Indicator, ["type"] = u.Type,
            ["last_updated"] = u.LastUpdated, ["should_delete"] = u.ShouldDelete,
        };
        if (u.Descriptors.Count > 0)
            json["descriptors"] = new
            {
                data = u.Descriptors.Select(d => new Dictionary<string, object?>
                {
                    ["id"] = d.Id,
                    ["owner"] = new { id = d.Owner.ToString(CultureInfo.InvariantCulture) },
                    ["tags"] = d.TagsAsGraphObject ? new { data = d.Tags.Select(t => new { text = t }).ToList() } : d.Tags,
                    ["status"] = d.Status,
                    ["reactions"] = new[] { new { key = "HELPFUL", value = "1234,5678" } },
                    ["added_on"] = "2023-11-14T22:13:20+0000",
                }).ToList(),
            };
        return json;
    }
}
