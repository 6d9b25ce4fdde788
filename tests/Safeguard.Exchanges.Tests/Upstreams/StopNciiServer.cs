using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Safeguard.Exchanges;

namespace Safeguard.Exchanges.Tests.Upstreams;

public sealed record StopNciiRecord(string SignalType, string HashValue, string HashStatus, long LastModified, IReadOnlyList<string> FeedbackValues);

/// <summary>
/// StopNCII's API as the public client uses it: GET /v1/FetchHashes?startTimestamp=&amp;pageSize=
/// [&amp;nextPageToken=] with the x-functions-key and Ocp-Apim-Subscription-Key headers, answering
/// count, nextPageToken, nextSetTimestamp, hasMoreRecords and hashRecords; POST /v1/SubmitFeedback
/// with {"count", "hashFeedbacks": [{"tags", "feedbackValue", "hashValue"}]}.
/// </summary>
public sealed class StopNciiServer : UpstreamServer
{
    public const string SubscriptionKey = "sub-key-5c1d8e";
    public const string FetchKey = "fetch-key-a92b44";
    public const string FeedbackKey = "feedback-key-0e7f31";

    private static readonly string[] Tags = ["ncii"];

    public List<StopNciiRecord> Records { get; } = [];
    public int PageSize { get; set; } = 3;
    public ConcurrentQueue<JsonElement> Feedback { get; } = new();

    public override string TypeName => "stopncii";
    protected override string MediaType => "application/json";
    protected override string TruncatedBody => "{\"count\": 3, \"nextSetTimestamp\": 1700000000, \"hashRecords\": [{\"signalType\": \"ImagePDQ\", \"hashVal";
    protected override string BasePath => "/v1";
    public override IReadOnlyList<string> Secrets => [SubscriptionKey, FetchKey, FeedbackKey];

    public override ExchangeSettings Settings() => new([
        new("subscription_key", SubscriptionKey), new("fetch_function_key", FetchKey), new("feedback_function_key", FeedbackKey),
        new("base_url", BaseUri.AbsoluteUri), new("page_size", PageSize.ToString(CultureInfo.InvariantCulture))]);
    public override ExchangeSettings WrongSecretSettings() => new([
        new("subscription_key", SubscriptionKey), new("fetch_function_key", "wrong-function-key"), new("base_url", BaseUri.AbsoluteUri)]);

    /// <summary>Image PDQ, video MD5 and Text (a type Safeguard lacks) records; some withdrawn or deleted.</summary>
    public static StopNciiServer WithGeneratedRecords(int count, int seed = 16)
    {
        var random = new Random(seed);
        var server = new StopNciiServer();
        string[] statuses = ["Active", "Received", "Withdrawn", "Active", "Deleted"];
        for (var i = 0; i < count; i++)
        {
            var type = (i % 4) switch { 0 or 1 => "ImagePDQ", 2 => "VideoMD5", _ => "Text" };
            var value = type switch { "ImagePDQ" => NcmecServer.Hex(random, 32), "VideoMD5" => NcmecServer.Hex(random, 16), _ => $"some text {i}" };
            server.Records.Add(new StopNciiRecord(type, value, statuses[i % statuses.Length], 1_690_000_000L + i * 60, i % 2 == 0 ? ["Blocked"] : ["Blocked", "NotBlocked"]));
        }
        return server;
    }

    protected override void Map(WebApplication app)
    {
        app.MapGet("/FetchHashes", (HttpRequest request) =>
        {
            if (request.Headers["x-functions-key"] != FetchKey || request.Headers["Ocp-Apim-Subscription-Key"] != SubscriptionKey)
                return Results.Json(new { statusCode = 401, message = "Access denied due to invalid subscription key or function key." }, statusCode: 401);
            if (!long.TryParse(request.Query["startTimestamp"], CultureInfo.InvariantCulture, out var start)) return Results.BadRequest("startTimestamp is required");
            var size = int.TryParse(request.Query["pageSize"], CultureInfo.InvariantCulture, out var s) ? s : 800;
            var offset = request.Query["nextPageToken"].ToString() is { Length: > 0 } token ? int.Parse(Encoding.ASCII.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture) : 0;
            var matching = Records.Where(r => r.LastModified > start).OrderBy(r => r.LastModified).ToList();
            var page = matching.Skip(offset).Take(size).ToList();
            var more = Misbehave == Misbehaviour.SamePageForever || offset + page.Count < matching.Count;
            var nextToken = more ? Convert.ToBase64String(Encoding.ASCII.GetBytes((Misbehave == Misbehaviour.SamePageForever ? 0 : offset + page.Count).ToString(CultureInfo.InvariantCulture))) : null;
            return Results.Json(new Dictionary<string, object?>
            {
                ["count"] = page.Count,
                ["nextPageToken"] = nextToken,
                ["nextSetTimestamp"] = page.Count > 0 ? page[^1].LastModified : start,
                ["hasMoreRecords"] = more,
                ["hashRecords"] = page.Select(r => new Dictionary<string, object?>
                {
                    ["lastModtimestamp"] = r.LastModified,
                    ["signalType"] = r.SignalType,
                    ["hashValue"] = r.HashValue,
                    ["hashStatus"] = r.HashStatus,
                    ["caseNumbers"] = new Dictionary<string, string> { [$"CASE-{r.LastModified}"] = r.HashStatus },
                    ["CSPFeedbacks"] = r.FeedbackValues.Select((v, i) => new { feedbackValue = v, tags = Tags, source = $"csp{i}" }).ToList(),
                }).ToList(),
            });
        });
        app.MapPost("/SubmitFeedback", async (HttpRequest request) =>
        {
            if (request.Headers["x-functions-key"] != FeedbackKey || request.Headers["Ocp-Apim-Subscription-Key"] != SubscriptionKey)
                return Results.Json(new { statusCode = 401, message = "Access denied" }, statusCode: 401);
            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return Results.StatusCode(415);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            Feedback.Enqueue(body.Clone());
            return Results.Json(new { count = body.GetProperty("count").GetInt32() });
        });
    }
}
