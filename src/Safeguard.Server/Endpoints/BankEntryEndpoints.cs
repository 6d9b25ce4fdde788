using System.Globalization;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Server.Api;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.UseCases;

namespace Safeguard.Server.Endpoints;

/// <summary>A bank's settings: each member left out (or null) keeps its value.</summary>
public sealed record BankUpdateRequest(string? Name, string? Description, double? MatchingEnabledRatio, int? NewEntryQuarantineHours);

/// <summary>An entry's free fields; a member left out keeps its value, null clears it. disable_until is ISO 8601.</summary>
public sealed record EntryUpdateRequest(string? Note, Dictionary<string, string>? Metadata, string? OriginalMediaUri, DateTimeOffset? DisableUntil, bool? Disabled);

/// <summary>One entry by id and a bank's settings (the /v1 side of HMA's content and bank routes).</summary>
internal static class BankEntryEndpoints
{
    private const string Via = "via /v1";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPatch("/v1/banks/{name}", async (string name, HttpContext ctx, EditBankContent edit) =>
        {
            var body = await Http.ReadJsonAsync<BankUpdateRequest>(ctx.Request);
            var update = new BankUpdate
            {
                Rename = body.Name == name ? null : body.Name, Description = body.Description,
                MatchingEnabledRatio = body.MatchingEnabledRatio, NewEntryQuarantineHours = body.NewEntryQuarantineHours,
            };
            return Results.Json(await edit.UpdateBankAsync(name, update, ctx.Caller().Actor, Via), ApiJson.Options);
        }).Roles(Roles.Curator).AcceptsJson<BankUpdateRequest>().WithName("UpdateBank")
            .WithSummary("Change a bank's matching ratio (0..1, HMA's coin flip), new-entry quarantine hours, description or name").Answers<BankInfo>();

        app.MapGet("/v1/banks/{name}/entries/{id:long}", async (string name, long id, EditBankContent edit) =>
            Results.Json(await edit.GetAsync(name, id), ApiJson.Options))
            .Roles(Roles.Curator, Roles.Matcher).WithName("GetEntryById").WithSummary("One entry by id, with its note, metadata, original media URI and disable-until").Answers<BankEntry>();

        app.MapPatch("/v1/banks/{name}/entries/{id:long}", async (string name, long id, HttpContext ctx, EditBankContent edit) =>
        {
            // Read twice: the typed record for the values, the raw object to tell "left out" from "null".
            var raw = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
            EntryUpdateRequest body;
            try { body = JsonSerializer.Deserialize<EntryUpdateRequest>(JsonSerializer.Serialize(raw), ApiJson.Options)!; }
            catch (JsonException ex) { throw new ValidationException($"malformed JSON body: {ex.Message}"); }
            bool Null(string field) => raw.TryGetValue(field, out var v) && v.ValueKind == JsonValueKind.Null;
            var update = new EntryUpdate
            {
                Note = body.Note, ClearNote = Null("note"),
                Metadata = body.Metadata ?? (Null("metadata") ? new Dictionary<string, string>() : null),
                OriginalMediaUri = body.OriginalMediaUri, ClearOriginalMediaUri = Null("original_media_uri"),
                DisableUntil = body.DisableUntil, ClearDisableUntil = Null("disable_until"),
            };
            return Results.Json(await edit.UpdateAsync(name, id, update, body.Disabled, ctx.Caller().Actor, Via), ApiJson.Options);
        }).Roles(Roles.Curator).AcceptsJson<EntryUpdateRequest>().WithName("UpdateEntryById")
            .WithSummary("Change an entry's note, metadata, original media URI, disable-until (ISO 8601; null clears) or disabled flag").Answers<BankEntry>();

        app.MapDelete("/v1/banks/{name}/entries/{id:long}", async (string name, long id, HttpContext ctx, EditBankContent edit) =>
            await edit.DeleteAsync(name, id, ctx.Caller().Actor, Via)
                ? Results.Json(new { deleted = id })
                : throw new NotFoundException($"content '{id.ToString(CultureInfo.InvariantCulture)}' not found in bank '{name}'"))
            .Roles(Roles.Curator).WithName("DeleteEntryById").WithSummary("Delete one entry by id").Problems();
    }
}
