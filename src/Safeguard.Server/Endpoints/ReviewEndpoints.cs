using System.Text;
using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Review;
using Safeguard.Server.UseCases;

namespace Safeguard.Server.Endpoints;

/// <summary>Review queue, media views, decisions, audit log and reports.</summary>
public static class ReviewEndpoints
{
    public const string CheckpointHeader = "Safeguard-Audit-Checkpoint";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/review/submit", async (HttpContext ctx, SubmitForReview submit, ServerOptions options) =>
        {
            var upload = await Http.ReadUploadAsync(ctx.Request, options.MaxMediaBytes);
            var note = await SubmissionNoteAsync(ctx.Request);
            var result = await submit.RunAsync(upload, note, ctx.Caller().Actor, ctx.RequestAborted);
            return Results.Json(result.ToDto(), ApiJson.Options, statusCode: result.Reused ? 200 : 201); // 200: counted on the item the same file already has
        }).Roles(Roles.Matcher, Roles.Hasher).AcceptsUpload().WithName("SubmitForReview")
            .WithSummary("Submit an image for review (kept until decided); the note (query or form field, at most 4000 characters) is kept as submission_note")
            .Answers<SubmitResponse>(201).Produces<SubmitResponse>(200);

        app.MapGet("/v1/review/items", async (string? status, long? after, int? limit, string? kind, string? bank, string? category, string? source,
            string? older_than, string? newer_than, string? assignee, string? sort, bool? group, int? offset, HttpContext ctx, ReviewStore review) =>
        {
            var now = DateTimeOffset.UtcNow;
            var q = new ReviewQuery
            {
                Status = status, Kind = kind, Bank = bank, Category = category, Source = source, Assignee = assignee, Sort = sort ?? "id", Group = group ?? false,
                CreatedBefore = older_than is null ? null : now - ReviewQuery.ParseAge(older_than, "older_than"),
                CreatedAfter = newer_than is null ? null : now - ReviewQuery.ParseAge(newer_than, "newer_than"),
                After = after ?? 0, Offset = offset ?? 0, Limit = Http.Limit(limit, 50, 500),
            };
            q.Validate();
            return Results.Json(new { items = await review.QueryAsync(q, ctx.Caller().Actor) }, ApiJson.Options);
        }).Roles(Roles.Reviewer).WithName("ListReviewItems").Problems()
            .WithSummary("Review items: filter by status (or open), kind, bank, category, source, older_than/newer_than (90s, 15m, 2h, 7d), assignee (me, unassigned, someone); " +
                "sort id (default, paged by after), severity, oldest or newest (paged by offset); group=true folds duplicates of one exact hash into one row with group_count and group_ids");
        app.MapGet("/v1/review/items/{id:long}", async (long id, ReviewStore review) =>
                await review.GetAsync(id) is { } item ? Results.Json(item, ApiJson.Options) : throw new NotFoundException("no such review item"))
            .Roles(Roles.Reviewer).WithName("GetReviewItem").WithSummary("One review item").Answers<ReviewItem>();

        // Media: blurred and greyscale by GET; clear only by POST, an explicit action no other page can
        // make a browser send. Every view is audited, so a session needs the UI's header for either.
        app.MapGet("/v1/review/items/{id:long}/media", async (long id, string? view, int? blur, bool? greyscale, HttpContext ctx, ViewReviewMedia media) => view switch
        {
            null or "blurred" => Results.File(await media.BlurredAsync(id, ctx.Caller(), blur, greyscale ?? true), "image/png"),
            "clear" => throw new ValidationException($"clear views are POST /v1/review/items/{id}/media/clear (this GET gives the blurred view only)"),
            _ => throw new ValidationException("view must be blurred (clear views are POST .../media/clear)"),
        }).Roles(Roles.Reviewer).AuditedRead().WithName("ViewMediaBlurred").Produces(200, contentType: "image/png").Problems()
            .WithSummary("The item's image as PNG, blurred (blur 4..100, default the reviewer's strength) and greyscale (greyscale=false for colour); audited, a browser session needs the X-Safeguard-UI header. view=clear is refused: use POST .../media/clear");
        app.MapGet("/v1/review/items/{id:long}/keyframes", async (long id, int? blur, HttpContext ctx, ViewReviewMedia media) =>
                Results.File(await media.KeyframesAsync(id, ctx.Caller(), blur), "image/png"))
            .Roles(Roles.Reviewer).AuditedRead().WithName("ViewKeyframes").Produces(200, contentType: "image/png").Problems()
            .WithSummary("A matched video's keyframe strip (up to six frames spread over the video) as PNG, always blurred and greyscale; audited (a browser session needs the X-Safeguard-UI header)");
        app.MapPost("/v1/review/items/{id:long}/media/clear", async (long id, HttpContext ctx, ViewReviewMedia media) =>
                Results.File(await media.ClearAsync(id, ctx.Caller(), await ReviewConsoleEndpoints.RegionAsync(ctx.Request)), "image/png"))
            .Roles(Roles.Reviewer).AcceptsJson<RegionRequest>().WithName("ViewMediaClear").Produces(200, contentType: "image/png").Problems()
            .WithSummary("The item's image as PNG, unblurred; with a JSON body {x, y, width, height} (fractions 0..1) only that region is clear, the rest blurred (a partial clear view). Audited, counted against the exposure cap");

        app.MapPost("/v1/review/items/{id:long}/decision", async (long id, HttpContext ctx, DecideReviewItem decide) =>
        {
            var body = await Http.ReadJsonAsync<DecisionRequest>(ctx.Request);
            var decision = new Decision(body.Decision ?? "", body.Category, body.IndustryClassification, body.Note, body.Preserve ?? false, body.Suppress ?? false);
            var updated = body.Group == true ? await decide.RunGroupAsync(id, decision, ctx.Caller().Actor) : await decide.RunAsync(id, decision, ctx.Caller().Actor);
            return Results.Json(updated, ApiJson.Options);
        }).Roles(Roles.Reviewer).AcceptsJson<DecisionRequest>().WithName("Decide")
            .WithSummary("Record a decision: confirmed (with category), false_positive (optionally suppress), escalate; group=true decides every awaiting duplicate (same exact hash) too, each audited. 409 when another reviewer claims the item").Answers<ReviewItem>();

        ReviewConsoleEndpoints.Map(app);

        app.MapPost("/v1/review/items/{id:long}/preserve", async (long id, HttpContext ctx, DecideReviewItem decide) =>
        {
            await decide.PreserveAsync(id, ctx.Caller().Actor);
            return Results.Json(new { preserved = id });
        }).Roles(Roles.Reviewer).WithName("Preserve").WithSummary("Keep the item's media as evidence after the decision (audited)").Problems();

        app.MapGet("/v1/review/settings", async (HttpContext ctx, ServerOptions options, ViewReviewMedia media) => Results.Json(new
            {
                blur_strength = ctx.Caller().BlurStrength ?? options.DefaultBlurStrength, reviewer = ctx.Caller().Name, actor = ctx.Caller().Actor,
                clear_views_24h = await media.ClearViewsTodayAsync(ctx.Caller().Actor), max_clear_views_per_day = options.MaxClearViewsPerDay,
                break_after_views = options.BreakAfterViews, break_after_minutes = options.BreakAfterMinutes, claim_minutes = options.ClaimLifetime.TotalMinutes,
                admin = ctx.Caller().Has(Roles.Admin),
            }))
            .Roles(Roles.Reviewer).WithName("GetReviewSettings").Problems()
            .WithSummary("The reviewer's blur strength, exposure so far (clear views in 24 hours against the cap) and the console's break and claim settings");
        app.MapPut("/v1/review/settings", async (HttpContext ctx, ApiKeyStore keys) =>
        {
            var body = await Http.ReadJsonAsync<SettingsRequest>(ctx.Request);
            if (body.BlurStrength is not (>= 4 and <= 100)) throw new ValidationException("blur_strength must be 4..100");
            await keys.SetBlurAsync(ctx.Caller().KeyId, body.BlurStrength.Value, ctx.Caller().Actor);
            return Results.Json(new { blur_strength = body.BlurStrength });
        }).Roles(Roles.Reviewer).AcceptsJson<SettingsRequest>().WithName("SetReviewSettings").WithSummary("Set the reviewer's blur strength (4..100)").Problems();

        app.MapGet("/v1/audit", async (long? after, int? limit, string? action, string? target, AuditLog audit) =>
                Results.Json(new { entries = await audit.ListAsync(after ?? 0, Http.Limit(limit), action, target) }, ApiJson.Options))
            .Roles(Roles.Admin, Roles.Reviewer).WithName("ListAudit").WithSummary("Audit entries").Problems();
        app.MapGet("/v1/audit/verify", async (AuditLog audit, AuditCheckpointer checkpoints) =>
        {
            AuditVerification v;
            try { v = await audit.VerifyAsync(File.Exists(checkpoints.FilePath) ? AuditAnchors.FromFile(checkpoints.FilePath, checkpoints.PublicKey) : null); }
            catch (CheckpointRejectedException ex) { v = new AuditVerification(false, 0, ex.Message); }
            return Results.Json(v, ApiJson.Options, statusCode: v.Ok ? 200 : 409);
        }).Roles(Roles.Admin).WithName("VerifyAudit").Produces<AuditVerification>().Produces<AuditVerification>(409).Problems()
            .WithSummary("Verify the hash chain, and against the server's checkpoint file: 200 intact, 409 tampered, empty or cut below a checkpoint");
        // On demand: sign the current head now (also written every --audit-checkpoint-interval).
        app.MapPost("/v1/audit/checkpoint", async (HttpContext ctx, CreateCheckpoint checkpoint) =>
        {
            var c = Sent(ctx, await checkpoint.RunAsync(ctx.RequestAborted));
            return Results.Json(new { checkpoint = c.ToString(), log_id = c.LogId, seq = c.Seq, hash = c.Hash, time = c.Time, key_id = c.KeyId },
                ApiJson.Options, statusCode: 201);
        }).Roles(Roles.Admin).WithName("Checkpoint").Problems()
            .WithSummary("Sign a checkpoint of the audit log's head now and append it to the checkpoint file (409 when the log no longer extends the previous checkpoint)");
        app.MapGet("/v1/audit/public-key", (AuditCheckpointer checkpoints) =>
                Results.Json(new { key_id = checkpoints.PublicKey.Id, public_key_pem = checkpoints.PublicKey.Pem }, ApiJson.Options))
            .Roles(Roles.Admin, Roles.Reviewer).WithName("AuditPublicKey").WithSummary("The Ed25519 public key (PEM) and key id that check audit checkpoints").Problems();

        app.MapGet("/v1/reports/ncmec", async (string? items, string? additional_info, HttpContext ctx, ExportReport export) =>
        {
            var (xml, checkpoint) = await export.NcmecAsync(items, additional_info, ctx.Caller().Actor, ctx.RequestAborted);
            Sent(ctx, checkpoint);
            return Results.Text(xml, "application/xml", Encoding.UTF8);
        }).Roles(Roles.Reviewer).AuditedRead().WithName("NcmecReport").Produces<string>(200, "application/xml").Problems()
            .WithSummary("CyberTipline report XML for confirmed items (all when items is omitted); audited, so a browser session needs the X-Safeguard-UI header");
        app.MapGet("/v1/reports/ncmec/file-details", async (long item, string? report_id, string? file_id, bool? publicly_available, ExportReport export) =>
                Results.Text(await export.NcmecFileDetailsAsync(item, report_id, file_id, publicly_available), "application/xml", Encoding.UTF8))
            .Roles(Roles.Reviewer).WithName("NcmecFileDetails").Produces<string>(200, "application/xml").Problems()
            .WithSummary("CyberTipline fileDetails XML for one confirmed item");
        app.MapGet("/v1/reports/vics", async (string? items, HttpContext ctx, ExportReport export) =>
        {
            var report = await export.VicsAsync(items, ctx.Caller().Actor, ctx.RequestAborted);
            Sent(ctx, report.Checkpoint);
            return Results.Bytes(report.Body, "application/json");
        }).Roles(Roles.Reviewer).AuditedRead().WithName("VicsExport").Problems()
            .WithSummary("VICS 2.0 #Media export of confirmed items; audited, so a browser session needs the X-Safeguard-UI header");
    }

    /// <summary>Sends the checkpoint as the Safeguard-Audit-Checkpoint response header too.</summary>
    private static AuditCheckpoint Sent(HttpContext ctx, AuditCheckpoint c)
    {
        ctx.Response.Headers[CheckpointHeader] = c.ToString();
        return c;
    }

    /// <summary>The submission's note: the query's <c>note</c> or a multipart form field <c>note</c> (not both), at most 4000 characters.</summary>
    private static async Task<string?> SubmissionNoteAsync(HttpRequest request)
    {
        var query = request.Query["note"];
        var field = request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true
            ? (await request.ReadFormAsync(request.HttpContext.RequestAborted))["note"] : default;
        if (query.Count + field.Count > 1) throw new ValidationException("note given more than once (send it as the query's note or as the form field note)");
        var note = query.Count == 1 ? query.ToString() : field.Count == 1 ? field.ToString() : null;
        if (note is { Length: > 4000 }) throw new ValidationException("note is longer than 4000 characters");
        return string.IsNullOrEmpty(note) ? null : note;
    }
}
