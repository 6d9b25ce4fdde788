using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Safeguard.Banks;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Server.Auth;
using Safeguard.Server.Index;
using Safeguard.Server.Media;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.Api;

public sealed record HashLookupRequest(string? SignalType, string? Value, int? Threshold, bool? Review);
public sealed record UrlRequest(string? Url);
public sealed record CompareRequest(string? SignalType, string? A, string? B, int? Threshold);
public sealed record KeyCreateRequest(string? Name, string[]? Roles, int? RatePerSecond, int? MaxConcurrent);
public sealed record ParticipantDto(string Id, string? Name, int? DeclaredAge, int? AccountAgeDays);
public sealed record MessageRequest(string? Sender, JsonElement? Timestamp, string? Text, ParticipantDto[]? Participants);

public sealed record FileHashes(string FileName, long Size, string? Md5, string? Sha1, string? Sha256, string? Pdq, int? PdqQuality, int Width, int Height)
{
    /// <summary>For a video: MD5 of the whole file (the video_md5 signal; equal to md5).</summary>
    public string? VideoMd5 { get; init; }
    /// <summary>For a video: the vPDQ in compact form (pdq,quality,seconds;...), 1 frame per second.</summary>
    public string? Vpdq { get; init; }
    public int? VpdqFrames { get; init; }
}
public sealed record LookupResponse(IReadOnlyList<ItemMatch> Matches, long? ReviewItemId);
public sealed record FileLookupResponse(FileHashes Hashes, IReadOnlyList<ItemMatch> Matches, long? ReviewItemId);

/// <summary>Health, hashing, lookups, compare, index status, keys, conversations.</summary>
public static class CoreEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/v1/health/live", () => Results.Json(new { status = "alive" })).AllowAnonymousCaller();
        app.MapGet("/v1/health/ready", (ServerState s) => s.Matcher.Status.Ready
            ? Results.Json(new { status = "ready", index = s.Matcher.Status })
            : Http.Error(503, "index not loaded yet")).Roles(Roles.All);
        app.MapGet("/v1/index/status", (ServerState s) => Results.Json(new { index = s.Matcher.Status, suppressions = s.Suppressions.Count }, SafeguardServer.Json))
            .Roles(Roles.Matcher, Roles.Curator);

        app.MapPost("/v1/hash", async (HttpRequest req, ServerState s) =>
        {
            var (bytes, name, _) = await Http.ReadUploadAsync(req, s.Options.MaxMediaBytes);
            return Results.Json((await MediaHashing.HashAsync(s, bytes, name, req.HttpContext.RequestAborted)).Hashes, SafeguardServer.Json);
        }).Roles(Roles.Hasher, Roles.Matcher);
        app.MapPost("/v1/hash/url", async (HttpRequest req, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<UrlRequest>(req);
            var (bytes, name, _) = await s.Fetcher.FetchAsync(body.Url ?? throw new ApiException(400, "url is required"), req.HttpContext.RequestAborted);
            return Results.Json((await MediaHashing.HashAsync(s, bytes, name, req.HttpContext.RequestAborted)).Hashes, SafeguardServer.Json);
        }).Roles(Roles.Hasher, Roles.Matcher).FetchesUrl();

        app.MapPost("/v1/lookup", async (HttpContext ctx, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<HashLookupRequest>(ctx.Request);
            var q = LookupService.Parse(body.SignalType, body.Value, out var error) ?? throw new ApiException(400, error!);
            var matches = s.Lookup.Match(q, Thresholds.Check(q.SignalType, body.Threshold));
            long? itemId = null;
            if (matches.Count > 0 && body.Review != false)
                itemId = await s.Review.FindOpenHashHitAsync(q.SignalType, q.Value) ?? await s.Review.CreateAsync(new ReviewItem
                {
                    Kind = "hash-hit",
                    Md5 = q.SignalType == "md5" ? q.Value : null, Sha1 = q.SignalType == "sha1" ? q.Value : null,
                    Sha256 = q.SignalType == "sha256" ? q.Value : null, Pdq = q.SignalType == "pdq" ? q.Value : null,
                    Matches = matches, VerifiedExact = matches.Any(m => m.Verified && m.Distance == 0 && m.SignalType != "pdq"),
                }, null, ctx.Caller().Actor);
            return Results.Json(new LookupResponse(matches, itemId), SafeguardServer.Json);
        }).Roles(Roles.Matcher);
        app.MapPost("/v1/lookup/file", async (HttpContext ctx, ServerState s) =>
        {
            var (bytes, name, type) = await Http.ReadUploadAsync(ctx.Request, s.Options.MaxMediaBytes);
            return Results.Json(await LookupFile(ctx, s, bytes, name, type), SafeguardServer.Json);
        }).Roles(Roles.Matcher);
        app.MapPost("/v1/lookup/url", async (HttpContext ctx, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<UrlRequest>(ctx.Request);
            var (bytes, name, type) = await s.Fetcher.FetchAsync(body.Url ?? throw new ApiException(400, "url is required"), ctx.RequestAborted);
            return Results.Json(await LookupFile(ctx, s, bytes, name, type), SafeguardServer.Json);
        }).Roles(Roles.Matcher).FetchesUrl();

        app.MapPost("/v1/compare", async (HttpRequest req) =>
        {
            var body = await Http.ReadJsonAsync<CompareRequest>(req);
            var a = LookupService.Parse(body.SignalType, body.A, out var e1) ?? throw new ApiException(400, "a: " + e1);
            var b = LookupService.Parse(body.SignalType, body.B, out var e2) ?? throw new ApiException(400, "b: " + e2);
            int threshold = Thresholds.Check(a.SignalType, body.Threshold) ?? PdqResult.DefaultMatchThreshold;
            if (a.SignalType == "pdq")
            {
                int d = Hash256.Parse(a.Value).DistanceTo(Hash256.Parse(b.Value));
                return Results.Json(new { signal_type = "pdq", distance = d, match = d <= threshold, threshold });
            }
            bool eq = a.Value == b.Value;
            return Results.Json(new { signal_type = a.SignalType, distance = eq ? 0 : 1, match = eq });
        }).Roles(Roles.Matcher, Roles.Hasher);

        app.MapGet("/v1/keys", async (ServerState s) => Results.Json(new { keys = await s.Keys.ListAsync() }, SafeguardServer.Json)).Roles(Roles.Admin);
        app.MapPost("/v1/keys", async (HttpContext ctx, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<KeyCreateRequest>(ctx.Request);
            var roles = Auth.Roles.Parse(string.Join(',', body.Roles ?? []));
            if (body.RatePerSecond is <= 0 or > 1_000_000) throw new ApiException(400, "rate_per_second must be 1..1000000");
            if (body.MaxConcurrent is <= 0 or > ApiKeyStore.MaxConcurrentLimit) throw new ApiException(400, $"max_concurrent must be 1..{ApiKeyStore.MaxConcurrentLimit}");
            var (info, secret) = await s.Keys.CreateAsync(body.Name ?? "", roles, body.RatePerSecond, ctx.Caller().Actor, body.MaxConcurrent);
            return Results.Json(new { key = info, secret, note = "the secret is shown only now; store it safely" }, SafeguardServer.Json, statusCode: 201);
        }).Roles(Roles.Admin);
        app.MapDelete("/v1/keys/{id}", async (string id, HttpContext ctx, ServerState s) =>
            await s.Keys.RevokeAsync(id, ctx.Caller().Actor) ? Results.Json(new { revoked = id }) : Http.Error(404, "no active key with that id or prefix"))
            .Roles(Roles.Admin);

        app.MapPost("/v1/conversations/analyze", async (HttpRequest req) =>
        {
            if (req.ContentLength > 64L * 1024 * 1024) throw new ApiException(413, "conversation over 64 MB");
            using var ms = new MemoryStream();
            await req.Body.CopyToAsync(ms, req.HttpContext.RequestAborted);
            var conversation = ConversationJson.Parse(ms.ToArray());
            return Results.Json(new ConversationAnalyzer().Analyze(conversation), SafeguardServer.Json);
        }).Roles(Roles.Matcher);
        app.MapPost("/v1/conversations/{id}/messages", async (string id, HttpContext ctx, ServerState s) =>
        {
            if (id.Length > 200) throw new ApiException(400, "conversation id longer than 200 characters");
            var body = await Http.ReadJsonAsync<MessageRequest>(ctx.Request);
            if (string.IsNullOrEmpty(body.Sender)) throw new ApiException(400, "sender is required");
            if (body.Text is null) throw new ApiException(400, "text is required");
            foreach (var p in body.Participants ?? [])
                s.Conversations.SetParticipant(id, new Participant(p.Id, p.Name, p.DeclaredAge, p.AccountAgeDays));
            var update = s.Conversations.Observe(id, new ChatMessage(body.Sender, ParseTime(body.Timestamp), body.Text));
            long? itemId = null;
            if (update.Alert is { } alert)
                itemId = await s.Review.CreateAsync(new ReviewItem
                {
                    Kind = "conversation", FileName = id,
                    Conversation = JsonSerializer.SerializeToElement(alert, SafeguardServer.Json),
                }, null, ctx.Caller().Actor);
            return Results.Json(new { conversation_id = id, update = update.Update, alert = update.Alert is not null, review_item_id = itemId }, SafeguardServer.Json);
        }).Roles(Roles.Matcher);
    }

    private static DateTimeOffset? ParseTime(JsonElement? t) => t switch
    {
        { ValueKind: JsonValueKind.Number } n => n.GetInt64() > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(n.GetInt64()) : DateTimeOffset.FromUnixTimeSeconds(n.GetInt64()),
        { ValueKind: JsonValueKind.String } s => DateTimeOffset.TryParse(s.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d)
            ? d : throw new ApiException(400, "timestamp is not an ISO 8601 time"),
        _ => DateTimeOffset.UtcNow,
    };

    public static async Task<FileHashes> HashImageAsync(ServerState s, byte[] bytes, string name, CancellationToken ct, bool requireImage = true)
    {
        var r = await s.Hashers.HashAsync(bytes, name, ct);
        if (requireImage && r.Pdq is null)
            throw new ApiException(415, $"'{name}' is not a decodable image ({r.Error ?? "unknown format"}); nothing was stored");
        return new FileHashes(name, r.Size, FileHashResult.Hex(r.Md5), FileHashResult.Hex(r.Sha1), FileHashResult.Hex(r.Sha256),
            r.Pdq?.Hash.ToString(), r.Pdq?.Quality, r.Width, r.Height);
    }

    private static async Task<FileLookupResponse> LookupFile(HttpContext ctx, ServerState s, byte[] bytes, string name, string? contentType)
    {
        var media = await MediaHashing.HashAsync(s, bytes, name, ctx.RequestAborted);
        var h = media.Hashes;
        var matches = await MediaHashing.MatchAsync(s, media, ctx.RequestAborted);
        long? itemId = null;
        if (matches.Count > 0)
        {
            var (kept, note) = await KeptMediaAsync(s, media, bytes, matches, ctx.RequestAborted);
            itemId = await s.Review.CreateAsync(new ReviewItem
            {
                Kind = "media-hit", FileName = name, MediaType = contentType, Size = bytes.Length,
                Md5 = h.Md5, Sha1 = h.Sha1, Sha256 = h.Sha256, Pdq = h.Pdq, PdqQuality = h.PdqQuality, Matches = matches,
                VerifiedExact = matches.Any(m => m.Verified && m.SignalType is not ("pdq" or "vpdq")), MediaNote = note,
            }, kept, ctx.Caller().Actor);
        }
        return new FileLookupResponse(h, matches, itemId);
    }

    /// <summary>
    /// Reviewers see media through image previews: an image is kept as uploaded; a video by one
    /// frame at the matched time, as PNG, or by hashes only when there is no such frame to show.
    /// </summary>
    private static async Task<(byte[]? Media, string? Note)> KeptMediaAsync(ServerState s, HashedMedia media, byte[] bytes,
        IReadOnlyList<ItemMatch> matches, CancellationToken ct)
    {
        if (media.Frames is not { } frames) return (bytes, null);
        if (VideoReviewFrame.ChooseSeconds(matches, frames) is not { } seconds) return (null, null);
        var png = await s.VideoHasher.FrameAsPngAsync(bytes, seconds, ct);
        return png is null ? (null, null) : (png, VideoReviewFrame.Describe(seconds));
    }
}
