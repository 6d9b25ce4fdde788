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

/// <summary>Banks and entries: create, list (paged), get, add, disable, enable, remove, bulk import.</summary>
public static class BankEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        string[] read = [Roles.Curator, Roles.Matcher];
        app.MapGet("/v1/banks", async (int? offset, int? limit, IBankStore banks) =>
        {
            var all = await banks.ListBanksAsync();
            int skip = Math.Max(0, offset ?? 0), take = Http.Limit(limit);
            var page = new List<object>();
            foreach (var b in all.Skip(skip).Take(take))
            {
                var st = await banks.GetStatsAsync(b.Name);
                page.Add(new { b.Name, b.Description, b.Verified, b.CreatedAt, b.MatchingEnabledRatio, b.NewEntryQuarantineHours, enabled = st.Enabled, disabled = st.Disabled });
            }
            return Results.Json(new { total = all.Count, offset = skip, limit = take, banks = page }, ApiJson.Options);
        }).Roles(read).WithName("ListBanks").WithSummary("List banks with counts (paged)").Problems();
        app.MapPost("/v1/banks", async (HttpContext ctx, IBankStore banks, AuditLog audit, LookupService lookup) =>
        {
            var body = await Http.ReadJsonAsync<BankCreateRequest>(ctx.Request);
            if (string.IsNullOrWhiteSpace(body.Name)) throw new ValidationException("name is required");
            if (await banks.GetBankAsync(body.Name) is not null) throw new ConflictException($"bank '{body.Name}' already exists");
            if (body.Description is { Length: > 2000 }) throw new ValidationException("description longer than 2000 characters");
            var b = await banks.CreateBankAsync(body.Name, body.Description, body.Verified ?? false);
            await audit.AppendAsync(ctx.Caller().Actor, "bank.create", $"bank:{b.Name}", $"verified={b.Verified}");
            await lookup.ReloadBanksAsync(banks); // the coin flip knows the new bank at once
            return Results.Json(b, ApiJson.Options, statusCode: 201);
        }).Roles(Roles.Curator).AcceptsJson<BankCreateRequest>().WithName("CreateBank").WithSummary("Create a bank").Answers<BankInfo>(201);
        app.MapGet("/v1/banks/{name}", async (string name, IBankStore banks) =>
        {
            await BankGuard.RequireAsync(banks, name);
            var st = await banks.GetStatsAsync(name);
            return Results.Json(new { bank = st.Bank, enabled = st.Enabled, enabled_by_type = st.EnabledByType, disabled = st.Disabled, sources = st.Sources }, ApiJson.Options);
        }).Roles(read).WithName("GetBank").WithSummary("A bank's counts by type, disabled count and sources").Problems();
        app.MapDelete("/v1/banks/{name}", async (string name, HttpContext ctx, IBankStore banks, AuditLog audit, LiveIndex index) =>
        {
            await BankGuard.RequireAsync(banks, name);
            await banks.DeleteBankAsync(name);
            await audit.AppendAsync(ctx.Caller().Actor, "bank.delete", $"bank:{name}", null);
            await index.RefreshAsync();
            return Results.Json(new { deleted = name });
        }).Roles(Roles.Curator).WithName("DeleteBank").WithSummary("Delete a bank and its entries").Problems();

        app.MapGet("/v1/banks/{name}/entries", async (string name, long? after, int? limit, bool? includeDisabled, string? signalType, IBankStore banks, HttpContext ctx) =>
        {
            await BankGuard.RequireAsync(banks, name);
            int take = Http.Limit(limit, 100, 5000);
            // Keyset page in SQL: the cost is the page, however deep "after" points.
            var type = string.IsNullOrEmpty(signalType) ? null
                : SignalTypes.TryGet(signalType, out var st) ? st.Name : throw new ValidationException($"unknown signal type '{signalType}'");
            var page = await banks.ListEntriesAsync(name, Math.Max(0, after ?? 0), take, includeDisabled ?? true, type, ctx.RequestAborted);
            return Results.Json(new { entries = page, next_after = page.Count == take ? page[^1].Id : (long?)null }, ApiJson.Options);
        }).Roles(read).WithName("ListEntries").WithSummary("Entries in insertion order, keyset-paged with after=next_after").Problems();
        app.MapGet("/v1/banks/{name}/entries/{type}/{value}", async (string name, string type, string value, IBankStore banks) =>
        {
            await BankGuard.RequireAsync(banks, name);
            var t = SignalTypes.TryGet(type, out var st) ? st : throw new ValidationException($"unknown signal type '{type}'");
            var v = t.TryNormalize(value, out var err) ?? throw new ValidationException(err!);
            var found = await banks.FindAsync(t, v, name);
            return found.Count == 0 ? throw new NotFoundException("no such entry in this bank") : Results.Json(found[0], ApiJson.Options);
        }).Roles(read).WithName("GetEntry").WithSummary("One entry").Problems();
        app.MapPost("/v1/banks/{name}/entries", async (string name, HttpContext ctx, IBankStore banks, EditBankEntries edit) =>
        {
            await BankGuard.RequireAsync(banks, name);
            var body = await Http.ReadJsonAsync<EntriesRequest>(ctx.Request);
            return Results.Json(await edit.AddAsync(name, body.ToInput(), ctx.Caller().Actor), ApiJson.Options);
        }).Roles(Roles.Curator).AcceptsJson<EntriesRequest>().WithName("AddEntries").WithSummary("Add entries (metadata of existing entries is updated)")
            .Answers<ImportResult>();
        app.MapPost("/v1/banks/{name}/entries/disable", (string name, HttpContext ctx, IBankStore banks, EditBankEntries edit) => SetDisabled(name, ctx, banks, edit, true))
            .Roles(Roles.Curator).AcceptsJson<EntriesRequest>().WithName("DisableEntries").WithSummary("Disable entries (reason required)").Problems();
        app.MapPost("/v1/banks/{name}/entries/enable", (string name, HttpContext ctx, IBankStore banks, EditBankEntries edit) => SetDisabled(name, ctx, banks, edit, false))
            .Roles(Roles.Curator).AcceptsJson<EntriesRequest>().WithName("EnableEntries").WithSummary("Enable entries").Problems();
        app.MapPost("/v1/banks/{name}/entries/remove", async (string name, HttpContext ctx, IBankStore banks, EditBankEntries edit) =>
        {
            await BankGuard.RequireAsync(banks, name); // before reading the body: an unknown bank is a 404 whatever was sent
            var body = await Http.ReadJsonAsync<EntriesRequest>(ctx.Request);
            var (removed, notFound) = await edit.RemoveAsync(name, body.ToInput(), ctx.Caller().Actor);
            return Results.Json(new { removed, not_found = notFound });
        }).Roles(Roles.Curator).AcceptsJson<EntriesRequest>().WithName("RemoveEntries").WithSummary("Delete entries").Problems();

        BankEntryEndpoints.Map(app);

        app.MapPost("/v1/banks/{name}/import", async (string name, string? format, bool? replace, string? source, string? type, HttpContext ctx,
            ImportBank import, ServerOptions options) =>
        {
            Http.AllowLargeBody(ctx, options.MaxImportBytes);
            var result = await import.RunAsync(name, ctx.Request.Body, ctx.Request.ContentLength, new ImportRequest(format, replace ?? false, source, type),
                ctx.Caller().Actor, ctx.RequestAborted);
            return Results.Json(result.ToDto(), ApiJson.Options);
        }).Roles(Roles.Curator).AcceptsStream().WithName("ImportBank")
            .WithSummary("Bulk import a list (plain, csv or vics) streamed from the body; all or nothing").Answers<ImportResponse>();
    }

    private static async Task<IResult> SetDisabled(string name, HttpContext ctx, IBankStore banks, EditBankEntries edit, bool disable)
    {
        await BankGuard.RequireAsync(banks, name);
        var body = await Http.ReadJsonAsync<EntriesRequest>(ctx.Request);
        return Results.Json(new { changed = await edit.SetDisabledAsync(name, body.ToInput(), body.Reason, disable, ctx.Caller().Actor) });
    }
}
