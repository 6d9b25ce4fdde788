using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Media;
using Safeguard.Server.Review;
using Safeguard.Server.UseCases;

namespace Safeguard.Server.Endpoints;

/// <summary>The review console's routes beyond the queue and decisions: claims, batch confirmations, wellness.</summary>
public static class ReviewConsoleEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/review/items/{id:long}/claim", async (long id, HttpContext ctx, DecideReviewItem decide) =>
                Results.Json(await decide.ClaimAsync(id, ctx.Caller()), ApiJson.Options))
            .Roles(Roles.Reviewer).WithName("ClaimReviewItem").Answers<ReviewItem>()
            .WithSummary("Claim the item for --claim-minutes (claiming again renews it); 409 when another reviewer holds it or it was decided");
        app.MapPost("/v1/review/items/{id:long}/release", async (long id, HttpContext ctx, DecideReviewItem decide) =>
                Results.Json(await decide.ReleaseAsync(id, ctx.Caller()), ApiJson.Options))
            .Roles(Roles.Reviewer).WithName("ReleaseReviewItem").Answers<ReviewItem>()
            .WithSummary("Give up one's claim on the item (admins: anyone's)");
        app.MapPost("/v1/review/items/{id:long}/assign", async (long id, HttpContext ctx, DecideReviewItem decide, ApiKeyStore keys) =>
        {
            var body = await Http.ReadJsonAsync<AssignRequest>(ctx.Request);
            var key = (await keys.ListAsync()).FirstOrDefault(k => k.Id == body.KeyId && k.RevokedAt is null)
                ?? throw new ValidationException("key_id must name a key that is not revoked");
            if (!key.Roles.Contains(Roles.Reviewer) && !key.Roles.Contains(Roles.Admin)) throw new ValidationException("the key is not a reviewer's");
            return Results.Json(await decide.ClaimAsync(id, ctx.Caller(), $"key:{key.Id}:{key.Name}"), ApiJson.Options);
        }).Roles(Roles.Reviewer).AcceptsJson<AssignRequest>().WithName("AssignReviewItem").Answers<ReviewItem>()
            .WithSummary("Claim the item for another reviewer (key_id); reviewers only when it is unclaimed, admins also take it from someone");

        app.MapPost("/v1/review/batch-decision", async (HttpContext ctx, DecideReviewItem decide) =>
        {
            var body = await Http.ReadJsonAsync<BatchDecisionRequest>(ctx.Request);
            var ids = await decide.BatchConfirmAsync(body.Ids ?? [], body.Category, body.Note, ctx.Caller().Actor);
            return Results.Json(new { decided = ids, decision = "confirmed", category = body.Category }, ApiJson.Options);
        }).Roles(Roles.Reviewer).AcceptsJson<BatchDecisionRequest>().WithName("BatchDecision").Problems()
            .WithSummary("Confirm up to 500 exact hits on verified lists with one category, without viewing them (all or nothing: 400 if any is not a verified exact hit, 409 if decided or claimed by another reviewer)");

        app.MapPost("/v1/review/wellness", async (HttpContext ctx, AuditLog audit) =>
        {
            var body = await Http.ReadJsonAsync<WellnessRequest>(ctx.Request);
            if (body.Event is null || !WellnessRequest.Events.Contains(body.Event))
                throw new ValidationException($"event must be one of {string.Join(", ", WellnessRequest.Events)}");
            if (body.Detail is { Length: > 500 }) throw new ValidationException("detail is longer than 500 characters");
            await audit.AppendAsync(ctx.Caller().Actor, "wellness." + body.Event, null, body.Detail);
            return Results.Json(new { recorded = body.Event });
        }).Roles(Roles.Reviewer).AcceptsJson<WellnessRequest>().WithName("RecordWellness").Problems()
            .WithSummary("Record in the audit log that a break was suggested, taken or dismissed, or a session summary shown");
        app.MapGet("/v1/review/session-summary", async (DateTimeOffset? since, HttpContext ctx, AuditLog audit) =>
        {
            var now = DateTimeOffset.UtcNow;
            var from = since is { } s && s > now.AddDays(-1) && s <= now ? s : now.AddDays(-1);
            var actor = ctx.Caller().Actor;
            return Results.Json(new SessionSummary(from, Math.Round((now - from).TotalMinutes, 1), await audit.CountAsync(actor, "review.decide", from),
                await audit.CountAsync(actor, ViewReviewMedia.ClearAction, from), await audit.CountAsync(actor, ViewReviewMedia.BlurredAction, from),
                await audit.CountAsync(actor, "wellness.break_taken", from)), ApiJson.Options);
        }).Roles(Roles.Reviewer).WithName("SessionSummary").Answers<SessionSummary>()
            .WithSummary("What the caller did since a time (at most 24 hours back): decisions, clear and blurred views, minutes, breaks taken");
    }

    /// <summary>The optional region of a clear view, from a JSON body; none when the POST has no body.</summary>
    public static async Task<ViewRegion?> RegionAsync(HttpRequest request)
    {
        if (request.ContentLength is null or 0 && request.ContentType is null) return null;
        var r = await Http.ReadJsonAsync<RegionRequest>(request);
        if (r.X is null && r.Y is null && r.Width is null && r.Height is null) return null;
        return new ViewRegion(r.X ?? -1, r.Y ?? -1, r.Width ?? 0, r.Height ?? 0);
    }
}
