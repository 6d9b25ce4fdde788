using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Server.UseCases;
using Safeguard.Signals;

namespace Safeguard.Server.Endpoints;

/// <summary>HMA's bank update and bank content routes (curation.py), each content being one Safeguard entry.</summary>
internal static class HmaContentEndpoints
{
    private const string Via = "via HMA route";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/c/bank/{name}", async (string name, HttpContext ctx, IBankStore banks, EditBankContent edit) =>
        {
            var body = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
            if (await banks.GetBankAsync(name) is null) throw new NotFoundException("Bank not found");
            string? rename = null;
            if (body.TryGetValue("name", out var n) && n.ValueKind != JsonValueKind.Null)
                rename = n.ValueKind == JsonValueKind.String ? n.GetString() : throw new ValidationException("name should be a string");
            double? ratio = HmaEndpoints.RatioOf(body);
            if (ratio is { } r) HmaEndpoints.EnsureRatio(r);
            if (rename is not null && rename != name && await banks.GetBankAsync(rename) is not null) throw new ForbiddenException("Bank name already exists");
            var b = await edit.UpdateBankAsync(name, new BankUpdate { MatchingEnabledRatio = ratio, Rename = rename == name ? null : rename }, ctx.Caller().Actor, Via);
            return Results.Json(HmaEndpoints.HmaBank(b));
        }).Roles(Roles.Curator).AcceptsJson<Dictionary<string, JsonElement>>().WithName("HmaUpdateBank")
            .WithSummary("HMA: update a bank {name, enabled, enabled_ratio} -> {name, matching_enabled_ratio}").Answers<HmaBankDto>();

        app.MapGet("/c/bank/{name}/content/{id:long}", async (string name, long id, string? include_signals, string? include_metadata, IBankStore banks, EditBankContent edit) =>
        {
            var bank = await banks.GetBankAsync(name) ?? throw new NotFoundException($"bank '{name}' not found");
            var entry = await edit.GetAsync(name, id);
            bool signals = string.Equals(include_signals, "true", StringComparison.OrdinalIgnoreCase);
            bool metadata = !string.Equals(include_metadata, "false", StringComparison.OrdinalIgnoreCase);
            return Results.Json(HmaContent.ToDto(entry, bank, signals, metadata));
        }).Roles(Roles.Curator, Roles.Matcher).WithName("HmaGetContent")
            .WithSummary("HMA: one content {id, disable_until_ts, original_media_uri, bank, signals?, metadata?, note?}").Answers<HmaContentDto>();

        app.MapPut("/c/bank/{name}/content/{id:long}", async (string name, long id, HttpContext ctx, IBankStore banks, EditBankContent edit) =>
        {
            var bank = await banks.GetBankAsync(name) ?? throw new NotFoundException($"bank '{name}' not found");
            var body = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
            await edit.GetAsync(name, id);
            var update = new EntryUpdate();
            bool? disabled = null;
            if (body.TryGetValue("disable_until_ts", out var ts) && ts.ValueKind != JsonValueKind.Null)
            {
                long seconds = ts.ValueKind switch
                {
                    JsonValueKind.Number when ts.TryGetInt64(out var v) => v,
                    JsonValueKind.String when long.TryParse(ts.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) => v,
                    _ => throw new ValidationException("disable_until_ts must be a non-negative integer"),
                };
                if (seconds < 0) throw new ValidationException("disable_until_ts must be a non-negative integer");
                if (seconds > DateTimeOffset.UtcNow.Add(EntryFields.MaxDisableAhead).ToUnixTimeSeconds())
                    throw new ValidationException("disable_until_ts must be less than 5 years in the future");
                // HMA's magic values: 0 disabled, 1 enabled; anything else a time.
                (update, disabled) = seconds switch
                {
                    HmaContent.Disabled => (update, true),
                    HmaContent.Enabled => (update with { ClearDisableUntil = true }, false),
                    _ => (update with { DisableUntil = DateTimeOffset.FromUnixTimeSeconds(seconds) }, false),
                };
            }
            if (body.TryGetValue("note", out var note))
                update = HmaContent.ParseNote(note) is { } text ? update with { Note = text } : update with { ClearNote = true };
            if (body.TryGetValue("original_media_uri", out var uri))
                update = uri.ValueKind == JsonValueKind.String ? update with { OriginalMediaUri = uri.GetString() }
                    : uri.ValueKind == JsonValueKind.Null ? update with { ClearOriginalMediaUri = true } : throw new ValidationException("original_media_uri should be a string");
            var entry = await edit.UpdateAsync(name, id, update, disabled, ctx.Caller().Actor, Via);
            return Results.Json(HmaContent.ToDto(entry, bank, includeSignals: false, includeMetadata: true));
        }).Roles(Roles.Curator).AcceptsJson<Dictionary<string, JsonElement>>().WithName("HmaUpdateContent")
            .WithSummary("HMA: update a content's disable_until_ts (0 disabled, 1 enabled, else Unix seconds) and note").Answers<HmaContentDto>();

        app.MapDelete("/c/bank/{name}/content/{id:long}", async (string name, long id, HttpContext ctx, IBankStore banks, EditBankContent edit) =>
        {
            if (await banks.GetBankAsync(name) is null) throw new NotFoundException($"bank '{name}' not found");
            return Results.Json(new { deleted = await edit.DeleteAsync(name, id, ctx.Caller().Actor, Via) ? 1 : 0 });
        }).Roles(Roles.Curator).WithName("HmaDeleteContent").WithSummary("HMA: remove a content from a bank -> {deleted}").Problems();

        app.MapPost("/c/bank/{name}/content", async (string name, string? url, HttpContext ctx, IBankStore banks, HashFile hash, AuditLog audit,
            LiveIndex index, ServerOptions options) =>
        {
            if (await banks.GetBankAsync(name) is null) throw new NotFoundException($"bank '{name}' not found");
            HashedMedia media;
            JsonElement metadata = default, note = default;
            if (!string.IsNullOrEmpty(url))
            {
                if (ctx.Request.HasJsonContentType())
                {
                    var body = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
                    body.TryGetValue("metadata", out metadata);
                    body.TryGetValue("note", out note);
                }
                media = await hash.FromUrlAsync(url, ctx.RequestAborted);
            }
            else if (ctx.Request.HasFormContentType)
            {
                var upload = await Http.ReadUploadAsync(ctx.Request, options.MaxMediaBytes);
                var form = ctx.Request.Form; // read (and bounded) by ReadUploadAsync
                if (form.TryGetValue("metadata", out var m))
                {
                    try { metadata = JsonDocument.Parse(m.ToString()).RootElement.Clone(); }
                    catch (JsonException) { throw new ValidationException("metadata form field must be valid JSON"); }
                }
                if (form.TryGetValue("note", out var nt)) note = JsonSerializer.SerializeToElement(nt.ToString());
                media = await hash.RunAsync(upload, ctx.RequestAborted);
            }
            else throw new ValidationException("Neither `url` nor multipart file upload was received");

            var (contentId, meta) = metadata.ValueKind == JsonValueKind.Undefined ? (null, null) : HmaContent.ParseMetadata(metadata);
            var noteText = note.ValueKind == JsonValueKind.Undefined ? null : HmaContent.ParseNote(note);
            var signals = HmaEndpoints.Signals(media);
            if (signals.Count == 0) throw new ValidationException("No signals given");
            var records = signals.Select(kv => new EntryRecord(SignalTypes.Get(kv.Key), kv.Value) { ContentId = contentId, Metadata = meta, Note = noteText }).ToList();
            await banks.ImportAsync(name, records, new ImportOptions { Source = new ImportSource("hma-api", ctx.Caller().Actor) });
            await audit.AppendAsync(ctx.Caller().Actor, "bank.add", $"bank:{name}", $"{Via}; content; signals={records.Count}");
            await index.RefreshAsync();
            var first = await banks.FindAsync(records[0].Type, records[0].Value, name);
            return Results.Json(new { id = first.Count > 0 ? first[0].Id : 0, signals });
        }).Roles(Roles.Curator).AcceptsUpload().FetchesUrl("url").WithName("HmaAddContent")
            .WithSummary("HMA: add content by ?url= or multipart upload, with optional metadata JSON and note -> {id, signals}").Problems();
    }
}
