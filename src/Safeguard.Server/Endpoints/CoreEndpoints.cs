using System.Text.Json;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;
using Safeguard.Hashing.Pdq;
using Safeguard.Server.Api;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Server.Review;
using Safeguard.Server.UseCases;
using Safeguard.Signals;

namespace Safeguard.Server.Endpoints;

/// <summary>Health, hashing, lookups, compare, index status, keys, conversations.</summary>
public static class CoreEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/health/live", () => Results.Json(new { status = "alive" })).AllowAnonymousCaller()
            .WithName("Live").WithSummary("Liveness (no key needed)");
        app.MapGet("/v1/health/ready", (LiveIndex index) => index.Status.Ready
            ? Results.Json(new ReadyResponse("ready", index.Status))
            : ProblemMapper.Problem(503, "index not loaded yet")).Roles(Roles.All)
            .WithName("Ready").WithSummary("Readiness: 200 when the index is loaded, else 503").Answers<ReadyResponse>();
        app.MapGet("/v1/index/status", async (LiveIndex index, Suppressions suppressions, ManageExchanges exchanges, HttpContext ctx) =>
                Results.Json(new IndexStatusResponse(index.Status, suppressions.Count, await exchanges.StatusesAsync(ctx.RequestAborted)), ApiJson.Options))
            .Roles(Roles.Matcher, Roles.Curator)
            .WithName("IndexStatus").WithSummary("Index size, change sequence, last refresh; each exchange's fetch status").Answers<IndexStatusResponse>();

        app.MapPost("/v1/hash", async (HttpRequest req, HashFile hash, ServerOptions options) =>
                Results.Json((await hash.RunAsync(await Http.ReadUploadAsync(req, options.MaxMediaBytes), req.HttpContext.RequestAborted)).Hashes, ApiJson.Options))
            .Roles(Roles.Hasher, Roles.Matcher).AcceptsUpload()
            .WithName("Hash").WithSummary("Hash an uploaded image (PDQ with quality) or video (vPDQ at 1 fps, video_md5), and MD5, SHA-1, SHA-256")
            .Answers<FileHashes>();
        app.MapPost("/v1/hash/url", async (HttpRequest req, HashFile hash) =>
            {
                var body = await Http.ReadJsonAsync<UrlRequest>(req);
                var media = await hash.FromUrlAsync(body.Url ?? throw new ValidationException("url is required"), req.HttpContext.RequestAborted);
                return Results.Json(media.Hashes, ApiJson.Options);
            }).Roles(Roles.Hasher, Roles.Matcher).FetchesUrl().AcceptsJson<UrlRequest>()
            .WithName("HashUrl").WithSummary("Fetch a URL (http/https, public addresses only) and hash it (image or video)").Answers<FileHashes>();

        app.MapPost("/v1/lookup", async (HttpContext ctx, LookupHash lookup) =>
            {
                var body = await Http.ReadJsonAsync<HashLookupRequest>(ctx.Request);
                var result = await lookup.RunAsync(body.SignalType, body.Value, body.Threshold, body.Review != false, ctx.Caller().Actor);
                return Results.Json(result.ToDto(), ApiJson.Options);
            }).Roles(Roles.Matcher).AcceptsJson<HashLookupRequest>()
            .WithName("Lookup").WithSummary($"Look a hash up in every bank; a hit becomes a review item unless review=false; threshold: pdq 0..{PdqResult.MaxMatchThreshold}, exact types 0")
            .Answers<LookupResponse>();
        app.MapPost("/v1/lookup/file", async (HttpContext ctx, LookupFile lookup, ServerOptions options) =>
            {
                var upload = await Http.ReadUploadAsync(ctx.Request, options.MaxMediaBytes);
                return Results.Json((await lookup.RunAsync(upload, ctx.Caller().Actor, ctx.RequestAborted)).ToDto(), ApiJson.Options);
            }).Roles(Roles.Matcher).AcceptsUpload()
            .WithName("LookupFile").WithSummary("Hash an uploaded image or video and look it up in one call; an image hit keeps the media for review, a video hit the frame at the matched time")
            .Answers<FileLookupResponse>();
        app.MapPost("/v1/lookup/url", async (HttpContext ctx, LookupFile lookup) =>
            {
                var body = await Http.ReadJsonAsync<UrlRequest>(ctx.Request);
                var result = await lookup.FromUrlAsync(body.Url ?? throw new ValidationException("url is required"), ctx.Caller().Actor, ctx.RequestAborted);
                return Results.Json(result.ToDto(), ApiJson.Options);
            }).Roles(Roles.Matcher).FetchesUrl().AcceptsJson<UrlRequest>()
            .WithName("LookupUrl").WithSummary("Fetch, hash and look up a URL (image or video)").Answers<FileLookupResponse>();

        app.MapPost("/v1/compare", async (HttpRequest req) =>
            {
                var body = await Http.ReadJsonAsync<CompareRequest>(req);
                var a = LookupService.Parse(body.SignalType, body.A, out var e1) ?? throw new ValidationException("a: " + e1);
                var b = LookupService.Parse(body.SignalType, body.B, out var e2) ?? throw new ValidationException("b: " + e2);
                int threshold = Thresholds.Check(a.SignalType, body.Threshold) ?? PdqResult.DefaultMatchThreshold;
                if (a.SignalType == "pdq")
                {
                    int d = Hash256.Parse(a.Value).DistanceTo(Hash256.Parse(b.Value));
                    return Results.Json(new CompareResponse("pdq", d, d <= threshold, threshold));
                }
                bool eq = a.Value == b.Value;
                return Results.Json(new CompareResponse(a.SignalType, eq ? 0 : 1, eq, null));
            }).Roles(Roles.Matcher, Roles.Hasher).AcceptsJson<CompareRequest>()
            .WithName("Compare").WithSummary($"Distance between two hashes of one type; threshold: pdq 0..{PdqResult.MaxMatchThreshold} (default {PdqResult.DefaultMatchThreshold}), exact types 0")
            .Answers<CompareResponse>();

        app.MapGet("/v1/keys", async (ApiKeyStore keys) => Results.Json(new { keys = await keys.ListAsync() }, ApiJson.Options)).Roles(Roles.Admin)
            .WithName("ListKeys").WithSummary("List API keys (never their secrets)").Problems();
        app.MapPost("/v1/keys", async (HttpContext ctx, ApiKeyStore keys) =>
            {
                var body = await Http.ReadJsonAsync<KeyCreateRequest>(ctx.Request);
                var roles = Auth.Roles.Parse(string.Join(',', body.Roles ?? []));
                if (body.RatePerSecond is <= 0 or > 1_000_000) throw new ValidationException("rate_per_second must be 1..1000000");
                if (body.MaxConcurrent is <= 0 or > ApiKeyStore.MaxConcurrentLimit) throw new ValidationException($"max_concurrent must be 1..{ApiKeyStore.MaxConcurrentLimit}");
                var (info, secret) = await keys.CreateAsync(body.Name ?? "", roles, body.RatePerSecond, ctx.Caller().Actor, body.MaxConcurrent);
                return Results.Json(new { key = info, secret, note = "the secret is shown only now; store it safely" }, ApiJson.Options, statusCode: 201);
            }).Roles(Roles.Admin).AcceptsJson<KeyCreateRequest>()
            .WithName("CreateKey").WithSummary("Create an API key; the secret is in this response only").Problems();
        app.MapDelete("/v1/keys/{id}", async (string id, HttpContext ctx, ApiKeyStore keys) =>
                await keys.RevokeAsync(id, ctx.Caller().Actor) ? Results.Json(new { revoked = id }) : throw new NotFoundException("no active key with that id or prefix"))
            .Roles(Roles.Admin).WithName("RevokeKey").WithSummary("Revoke a key by id or prefix").Problems();

        app.MapPost("/v1/conversations/analyze", async (HttpRequest req, AnalyzerOptions analyzerOptions) =>
            {
                if (req.ContentLength > 64L * 1024 * 1024) throw new PayloadTooLargeException("conversation over 64 MB");
                using var ms = new MemoryStream();
                await req.Body.CopyToAsync(ms, req.HttpContext.RequestAborted);
                var conversation = ConversationJson.Parse(ms.ToArray());
                return Results.Json(new ConversationAnalyzer(analyzerOptions).Analyze(conversation), ApiJson.Options);
            }).Roles(Roles.Matcher).AcceptsJson<JsonElement>()
            .WithName("AnalyzeConversation").WithSummary("Analyse a whole conversation (docs/conversations.md format)").Problems();
        app.MapPost("/v1/conversations/{id}/messages", async (string id, HttpContext ctx, ObserveConversation observe) =>
            {
                if (id.Length > 200) throw new ValidationException("conversation id longer than 200 characters");
                var body = await Http.ReadJsonAsync<MessageRequest>(ctx.Request);
                var participants = body.Participants?.Select(p => new ConversationParticipant(p.Id, p.Name, p.DeclaredAge, p.AccountAgeDays)).ToList();
                var r = await observe.RunAsync(id, body.Sender, ParseTime(body.Timestamp), body.Text, participants, ctx.Caller().Actor);
                return Results.Json(new MessageResponse(id, r.Update, r.Alert, r.ReviewItemId), ApiJson.Options);
            }).Roles(Roles.Matcher).AcceptsJson<MessageRequest>()
            .WithName("ObserveMessage").WithSummary("Stream one message into a conversation; crossing the alert level creates a review item with the evidence messages only")
            .Answers<MessageResponse>();
    }

    private static DateTimeOffset? ParseTime(JsonElement? t) => t switch
    {
        { ValueKind: JsonValueKind.Number } n => n.GetInt64() > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(n.GetInt64()) : DateTimeOffset.FromUnixTimeSeconds(n.GetInt64()),
        { ValueKind: JsonValueKind.String } s => DateTimeOffset.TryParse(s.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d)
            ? d : throw new ValidationException("timestamp is not an ISO 8601 time"),
        _ => DateTimeOffset.UtcNow,
    };
}
