using System.Text;
using Microsoft.AspNetCore.Builder;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Media;
using Safeguard.Server.Reports;
using Safeguard.Server.Review;
using Safeguard.Signals;

namespace Safeguard.Server.Api;

public sealed record DecisionRequest(string? Decision, string? Category, string? IndustryClassification, string? Note, bool? Preserve, bool? Suppress);
public sealed record SettingsRequest(int? BlurStrength);

/// <summary>Review queue, media views, decisions, audit log and reports.</summary>
public static class ReviewEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/v1/review/submit", async (HttpContext ctx, ServerState s) =>
        {
            var (bytes, name, type) = await Http.ReadUploadAsync(ctx.Request, s.Options.MaxMediaBytes);
            var note = await SubmissionNoteAsync(ctx.Request);
            var h = await CoreEndpoints.HashImageAsync(s, bytes, name, ctx.RequestAborted);
            var matches = s.Lookup.MatchAll(new[] { ("pdq", h.Pdq), ("md5", h.Md5), ("sha1", h.Sha1), ("sha256", h.Sha256) }
                .Where(x => x.Item2 is not null).Select(x => new Index.QueryHash(x.Item1, x.Item2!)));
            var id = await s.Review.CreateAsync(new ReviewItem
            {
                Kind = "submitted", FileName = name, MediaType = type, Size = bytes.Length, Md5 = h.Md5, Sha1 = h.Sha1, Sha256 = h.Sha256,
                Pdq = h.Pdq, PdqQuality = h.PdqQuality, Matches = matches, SubmissionNote = note,
                VerifiedExact = matches.Any(m => m.Verified && m.SignalType != "pdq"),
            }, bytes, ctx.Caller().Actor);
            return Results.Json(new { review_item_id = id, hashes = h, matches }, SafeguardServer.Json, statusCode: 201);
        }).Roles(Roles.Matcher, Roles.Hasher);

        app.MapGet("/v1/review/items", async (string? status, long? after, int? limit, ServerState s) =>
        {
            if (status is not (null or "pending" or "escalated" or "confirmed" or "false_positive")) throw new ApiException(400, "status must be pending, escalated, confirmed or false_positive");
            return Results.Json(new { items = await s.Review.ListAsync(status, after ?? 0, Http.Limit(limit, 50, 500)) }, SafeguardServer.Json);
        }).Roles(Roles.Reviewer);
        app.MapGet("/v1/review/items/{id:long}", async (long id, ServerState s) =>
            await s.Review.GetAsync(id) is { } item ? Results.Json(item, SafeguardServer.Json) : Http.Error(404, "no such review item")).Roles(Roles.Reviewer);

        // Media: blurred and greyscale by GET; clear only by POST, an explicit action no other page can
        // make a browser send. Every view is audited, so a session needs the UI's header for either.
        app.MapGet("/v1/review/items/{id:long}/media", (long id, string? view, HttpContext ctx, ServerState s) => view switch
        {
            null or "blurred" => MediaViewAsync(id, clear: false, ctx, s),
            "clear" => throw new ApiException(400, $"clear views are POST /v1/review/items/{id}/media/clear (this GET gives the blurred view only)"),
            _ => throw new ApiException(400, "view must be blurred (clear views are POST .../media/clear)"),
        }).Roles(Roles.Reviewer).AuditedRead();
        app.MapPost("/v1/review/items/{id:long}/media/clear", (long id, HttpContext ctx, ServerState s) => MediaViewAsync(id, clear: true, ctx, s))
            .Roles(Roles.Reviewer);

        app.MapPost("/v1/review/items/{id:long}/decision", async (long id, HttpContext ctx, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<DecisionRequest>(ctx.Request);
            var item = await s.Review.GetAsync(id) ?? throw new ApiException(404, "no such review item");
            if (!ReviewStatus.AwaitsReview(item.Status)) throw new ApiException(409, $"item {id} was already decided ({item.Status})");
            var updated = await s.Review.DecideAsync(item, new Decision(body.Decision ?? "", body.Category, body.IndustryClassification, body.Note,
                body.Preserve ?? false, body.Suppress ?? false), ctx.Caller().Actor);
            return Results.Json(updated, SafeguardServer.Json);
        }).Roles(Roles.Reviewer);

        app.MapPost("/v1/review/items/{id:long}/preserve", async (long id, HttpContext ctx, ServerState s) =>
        {
            var item = await s.Review.GetAsync(id) ?? throw new ApiException(404, "no such review item");
            if (!item.HasMedia) throw new ApiException(410, "this item holds no media to preserve");
            await s.Review.PreserveAsync(id, ctx.Caller().Actor);
            return Results.Json(new { preserved = id });
        }).Roles(Roles.Reviewer);

        app.MapGet("/v1/review/settings", (HttpContext ctx, ServerState s) =>
            Results.Json(new { blur_strength = ctx.Caller().BlurStrength ?? s.Options.DefaultBlurStrength, reviewer = ctx.Caller().Name })).Roles(Roles.Reviewer);
        app.MapPut("/v1/review/settings", async (HttpContext ctx, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<SettingsRequest>(ctx.Request);
            if (body.BlurStrength is not (>= 4 and <= 100)) throw new ApiException(400, "blur_strength must be 4..100");
            await s.Keys.SetBlurAsync(ctx.Caller().KeyId, body.BlurStrength.Value, ctx.Caller().Actor);
            return Results.Json(new { blur_strength = body.BlurStrength });
        }).Roles(Roles.Reviewer);

        app.MapGet("/v1/audit", async (long? after, int? limit, string? action, string? target, ServerState s) =>
            Results.Json(new { entries = await s.Audit.ListAsync(after ?? 0, Http.Limit(limit), action, target) }, SafeguardServer.Json))
            .Roles(Roles.Admin, Roles.Reviewer);
        app.MapGet("/v1/audit/verify", async (ServerState s) =>
        {
            AuditVerification v;
            try { v = await s.Audit.VerifyAsync(File.Exists(s.Checkpoints.FilePath) ? AuditAnchors.FromFile(s.Checkpoints.FilePath, s.Checkpoints.PublicKey) : null); }
            catch (CheckpointRejectedException ex) { v = new AuditVerification(false, 0, ex.Message); }
            return Results.Json(v, SafeguardServer.Json, statusCode: v.Ok ? 200 : 409);
        }).Roles(Roles.Admin);
        // On demand: sign the current head now (also written every --audit-checkpoint-interval).
        app.MapPost("/v1/audit/checkpoint", async (HttpContext ctx, ServerState s) =>
        {
            var c = await CheckpointAsync(ctx, s);
            return Results.Json(new { checkpoint = c.ToString(), log_id = c.LogId, seq = c.Seq, hash = c.Hash, time = c.Time, key_id = c.KeyId },
                SafeguardServer.Json, statusCode: 201);
        }).Roles(Roles.Admin);
        app.MapGet("/v1/audit/public-key", (ServerState s) =>
            Results.Json(new { key_id = s.Checkpoints.PublicKey.Id, public_key_pem = s.Checkpoints.PublicKey.Pem }, SafeguardServer.Json))
            .Roles(Roles.Admin, Roles.Reviewer);

        app.MapGet("/v1/reports/ncmec", async (string? items, string? additional_info, HttpContext ctx, ServerState s) =>
        {
            var list = await Confirmed(s, items);
            // The incident is when the earliest item reached Safeguard, not when a reviewer confirmed it.
            await s.Audit.AppendAsync(ctx.Caller().Actor, "report.ncmec", $"items:{string.Join(",", list.Select(i => i.Id))}", null);
            var checkpoint = await CheckpointAsync(ctx, s); // covers the report's own audit entry
            var xml = NcmecReport.Report(list, new NcmecReport.Reporter(s.Options.ReporterName, s.Options.ReporterEmail),
                list.Min(i => i.CreatedAt), additional_info, checkpoint.ToString());
            return Results.Text(xml, "application/xml", Encoding.UTF8);
        }).Roles(Roles.Reviewer).AuditedRead();
        app.MapGet("/v1/reports/ncmec/file-details", async (long item, string? report_id, string? file_id, bool? publicly_available, ServerState s) =>
        {
            if (!long.TryParse(report_id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var reportId))
                throw new ApiException(400, "report_id is required: the numeric report id CyberTipline returned from /submit");
            if (string.IsNullOrWhiteSpace(NcmecReport.Clean(file_id)) || file_id!.Length > 200)
                throw new ApiException(400, "file_id is required: the file id CyberTipline returned from /upload (at most 200 characters)");
            var list = await Confirmed(s, item.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // Viewed only if the audit log holds an unblurred view: blurred previews and verified exact hits confirmed unseen do not count.
            bool viewed = (await s.Audit.ListAsync(0, 1, "media.view.clear", $"item:{item}")).Count > 0;
            return Results.Text(NcmecReport.FileDetails(list[0], reportId, file_id, new NcmecReport.FileFacts(viewed, publicly_available)),
                "application/xml", Encoding.UTF8);
        }).Roles(Roles.Reviewer);
        app.MapGet("/v1/reports/vics", async (string? items, HttpContext ctx, ServerState s) =>
        {
            var list = await Confirmed(s, items);
            await s.Audit.AppendAsync(ctx.Caller().Actor, "report.vics", $"items:{string.Join(",", list.Select(i => i.Id))}", null);
            var checkpoint = await CheckpointAsync(ctx, s); // covers the report's own audit entry
            var ms = new MemoryStream();
            VicsExport.Write(ms, list, checkpoint.ToString());
            return Results.Bytes(ms.ToArray(), "application/json");
        }).Roles(Roles.Reviewer).AuditedRead();
    }

    private static async Task<IResult> MediaViewAsync(long id, bool clear, HttpContext ctx, ServerState s)
    {
        var item = await s.Review.GetAsync(id) ?? throw new ApiException(404, "no such review item");
        if (!item.HasMedia) throw new ApiException(410, "this item holds no media (hash-only, or deleted after the decision)");
        var caller = ctx.Caller();
        if (clear && s.Options.MaxClearViewsPerDay > 0
            && await s.Audit.CountAsync(caller.Actor, "media.view.clear", DateTimeOffset.UtcNow.AddDays(-1)) >= s.Options.MaxClearViewsPerDay)
            throw new ApiException(429, $"exposure cap reached: {s.Options.MaxClearViewsPerDay} clear views in 24 hours; blurred views and decisions still work");
        var preview = await s.Review.GetPreviewAsync(id) ?? throw (await s.Review.GetMediaAsync(id) is null
            ? new ApiException(410, "media no longer held") : new ApiException(415, "the stored media cannot be rendered as an image"));
        var png = Preview.Render(preview, clear, caller.BlurStrength ?? s.Options.DefaultBlurStrength)
            ?? throw new ApiException(415, "the stored media cannot be rendered as an image");
        await s.Audit.AppendAsync(caller.Actor, clear ? "media.view.clear" : "media.view.blurred", $"item:{id}", null);
        return Results.File(png, "image/png");
    }

    /// <summary>The submission's note: the query's <c>note</c> or a multipart form field <c>note</c> (not both), at most 4000 characters.</summary>
    private static async Task<string?> SubmissionNoteAsync(HttpRequest request)
    {
        var query = request.Query["note"];
        var field = request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true
            ? (await request.ReadFormAsync(request.HttpContext.RequestAborted))["note"] : default;
        if (query.Count + field.Count > 1) throw new ApiException(400, "note given more than once (send it as the query's note or as the form field note)");
        var note = query.Count == 1 ? query.ToString() : field.Count == 1 ? field.ToString() : null;
        if (note is { Length: > 4000 }) throw new ApiException(400, "note is longer than 4000 characters");
        return string.IsNullOrEmpty(note) ? null : note;
    }

    public const string CheckpointHeader = "Safeguard-Audit-Checkpoint";

    /// <summary>A fresh signed checkpoint, also sent as the Safeguard-Audit-Checkpoint response header.</summary>
    private static async Task<AuditCheckpoint> CheckpointAsync(HttpContext ctx, ServerState s)
    {
        AuditCheckpoint c;
        try { c = await s.Checkpoints.CreateAsync(ctx.RequestAborted); }
        catch (AuditChainException ex) { throw new ApiException(409, ex.Message); }
        ctx.Response.Headers[CheckpointHeader] = c.ToString();
        return c;
    }

    /// <summary>The confirmed items named (comma-separated ids), or all confirmed items.</summary>
    private static async Task<List<ReviewItem>> Confirmed(ServerState s, string? items)
    {
        var ids = new List<long>();
        foreach (var part in (items ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            ids.Add(long.TryParse(part, out var id) ? id : throw new ApiException(400, "items must be comma-separated item ids"));
        if (ids.Count > 1000) throw new ApiException(400, "at most 1000 items per report");
        var list = await s.Review.ByIdsAsync(ids);
        if (ids.Count > 0 && list.Count != ids.Count) throw new ApiException(404, "some items do not exist");
        if (list.Any(i => i.Status != ReviewStatus.Confirmed)) throw new ApiException(409, "reports include confirmed items only");
        if (list.Count == 0) throw new ApiException(404, "no confirmed items to report");
        return list;
    }
}
