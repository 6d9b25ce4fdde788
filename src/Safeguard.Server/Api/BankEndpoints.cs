using Microsoft.AspNetCore.Builder;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Server.Auth;
using Safeguard.Signals;

namespace Safeguard.Server.Api;

public sealed record BankCreateRequest(string? Name, string? Description, bool? Verified);
public sealed record EntryDto(string? SignalType, string? Value, string? ContentId, int? Category, string? Grade, string[]? Tags);
public sealed record EntriesRequest(EntryDto[]? Entries, string? Reason);

/// <summary>Banks and entries: create, list (paged), get, add, disable, enable, remove, bulk import.</summary>
public static class BankEndpoints
{
    public static void Map(WebApplication app)
    {
        string[] read = [Roles.Curator, Roles.Matcher];
        app.MapGet("/v1/banks", async (int? offset, int? limit, ServerState s) =>
        {
            var all = await s.Banks.ListBanksAsync();
            int skip = Math.Max(0, offset ?? 0), take = Http.Limit(limit);
            var page = new List<object>();
            foreach (var b in all.Skip(skip).Take(take))
            {
                var st = await s.Banks.GetStatsAsync(b.Name);
                page.Add(new { b.Name, b.Description, b.Verified, b.CreatedAt, enabled = st.Enabled, disabled = st.Disabled });
            }
            return Results.Json(new { total = all.Count, offset = skip, limit = take, banks = page }, SafeguardServer.Json);
        }).Roles(read);
        app.MapPost("/v1/banks", async (HttpContext ctx, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<BankCreateRequest>(ctx.Request);
            if (string.IsNullOrWhiteSpace(body.Name)) throw new ApiException(400, "name is required");
            if (await s.Banks.GetBankAsync(body.Name) is not null) throw new ApiException(409, $"bank '{body.Name}' already exists");
            if (body.Description is { Length: > 2000 }) throw new ApiException(400, "description longer than 2000 characters");
            var b = await s.Banks.CreateBankAsync(body.Name, body.Description, body.Verified ?? false);
            await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.create", $"bank:{b.Name}", $"verified={b.Verified}");
            return Results.Json(b, SafeguardServer.Json, statusCode: 201);
        }).Roles(Roles.Curator);
        app.MapGet("/v1/banks/{name}", async (string name, ServerState s) =>
        {
            await Require(s, name);
            var st = await s.Banks.GetStatsAsync(name);
            return Results.Json(new { bank = st.Bank, enabled = st.Enabled, enabled_by_type = st.EnabledByType, disabled = st.Disabled, sources = st.Sources }, SafeguardServer.Json);
        }).Roles(read);
        app.MapDelete("/v1/banks/{name}", async (string name, HttpContext ctx, ServerState s) =>
        {
            await Require(s, name);
            await s.Banks.DeleteBankAsync(name);
            await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.delete", $"bank:{name}", null);
            await s.Matcher.RefreshAsync();
            return Results.Json(new { deleted = name });
        }).Roles(Roles.Curator);

        app.MapGet("/v1/banks/{name}/entries", async (string name, long? after, int? limit, bool? includeDisabled, ServerState s, HttpContext ctx) =>
        {
            await Require(s, name);
            int take = Http.Limit(limit, 100, 5000);
            // Keyset page in SQL: the cost is the page, however deep "after" points.
            var page = await s.Banks.ListEntriesAsync(name, Math.Max(0, after ?? 0), take, includeDisabled ?? true, ct: ctx.RequestAborted);
            return Results.Json(new { entries = page, next_after = page.Count == take ? page[^1].Id : (long?)null }, SafeguardServer.Json);
        }).Roles(read);
        app.MapGet("/v1/banks/{name}/entries/{type}/{value}", async (string name, string type, string value, ServerState s) =>
        {
            await Require(s, name);
            var t = SignalTypes.TryGet(type, out var st) ? st : throw new ApiException(400, $"unknown signal type '{type}'");
            var v = t.TryNormalize(value, out var err) ?? throw new ApiException(400, err!);
            var found = await s.Banks.FindAsync(t, v, name);
            return found.Count == 0 ? Http.Error(404, "no such entry in this bank") : Results.Json(found[0], SafeguardServer.Json);
        }).Roles(read);
        app.MapPost("/v1/banks/{name}/entries", async (string name, HttpContext ctx, ServerState s) =>
        {
            await Require(s, name);
            var body = await Http.ReadJsonAsync<EntriesRequest>(ctx.Request);
            var records = Records(body);
            var result = await s.Banks.ImportAsync(name, records, new ImportOptions { Source = new ImportSource("api", ctx.Caller().Actor) });
            await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.add", $"bank:{name}", $"read={result.Read}; added={result.Added}; updated={result.Updated}");
            await s.Matcher.RefreshAsync();
            return Results.Json(result, SafeguardServer.Json);
        }).Roles(Roles.Curator);
        app.MapPost("/v1/banks/{name}/entries/disable", (string name, HttpContext ctx, ServerState s) => SetDisabled(name, ctx, s, true)).Roles(Roles.Curator);
        app.MapPost("/v1/banks/{name}/entries/enable", (string name, HttpContext ctx, ServerState s) => SetDisabled(name, ctx, s, false)).Roles(Roles.Curator);
        app.MapPost("/v1/banks/{name}/entries/remove", async (string name, HttpContext ctx, ServerState s) =>
        {
            await Require(s, name);
            var body = await Http.ReadJsonAsync<EntriesRequest>(ctx.Request);
            var keys = Records(body).Select(r => (r.Type, r.Value)).ToList();
            int n = await s.Banks.RemoveEntriesAsync(name, keys);
            await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.remove", $"bank:{name}", $"requested={keys.Count}; removed={n}");
            await s.Matcher.RefreshAsync();
            return Results.Json(new { removed = n, not_found = keys.Count - n });
        }).Roles(Roles.Curator);

        // Bulk import: the body is spooled to a file (never held in memory; see ImportSpool), checked
        // complete, then imported streaming in one transaction, so a truncated upload stores nothing.
        app.MapPost("/v1/banks/{name}/import", async (string name, string? format, bool? replace, string? source, string? type, HttpContext ctx, ServerState s) =>
        {
            await Require(s, name);
            Http.AllowLargeBody(ctx, s.Options.MaxImportBytes);
            var ctLen = ctx.Request.ContentLength;
            FileStream spool;
            try { spool = ImportSpool.Create(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ApiException(503, $"cannot spool the import upload: {ex.Message}; nothing was imported");
            }
            await using (spool) // deleted when closed, on every path out of here
            {
                try { await ctx.Request.Body.CopyToAsync(spool, ctx.RequestAborted); }
                catch (Exception ex) when (ex is IOException or BadHttpRequestException)
                {
                    throw new ApiException(400, $"the import upload ended early or was too large: {ex.Message}; nothing was imported");
                }
                await spool.FlushAsync(ctx.RequestAborted);
                long written = spool.Length;
                if (ctLen is { } expected && written != expected) throw new ApiException(400, "the import upload is truncated; nothing was imported");
                if (written == 0) throw new ApiException(400, "the import body is empty");
                SignalType? defaultType = null;
                if (type is not null) defaultType = SignalTypes.TryGet(type, out var dt) ? dt : throw new ApiException(400, $"unknown type '{type}'");
                var problems = new List<string>();
                int problemCount = 0;
                var options = new ReadOptions
                {
                    SourceName = Http.SafeName(source ?? "upload"), DefaultType = defaultType,
                    For64HexDigits = defaultType is not null && SignalTypes.HexLength(defaultType) == 64 ? defaultType : SignalTypes.Pdq,
                    OnProblem = p => { problemCount++; if (problems.Count < 100) problems.Add(p.ToString()!); },
                };
                spool.Position = 0;
                BankFormat fmt;
                if (format is not null)
                {
                    try { fmt = BankFormats.Parse(format); } catch (Exception ex) when (ex is ArgumentException or BankException) { throw new ApiException(400, ex.Message); }
                }
                else
                {
                    var head = new byte[4096];
                    int n = await spool.ReadAsync(head);
                    spool.Position = 0;
                    fmt = BankFormats.Detect(source, head.AsSpan(0, n));
                }
                ImportResult result;
                try
                {
                    result = await s.Banks.ImportAsync(name, BankFormats.Read(fmt, spool, options),
                        new ImportOptions { Replace = replace ?? false, Source = new ImportSource(Http.SafeName(source ?? "api-import"), ctx.Caller().Actor) });
                }
                catch (Exception ex) when (ex is BankException or InvalidDataException or System.Text.Json.JsonException or FormatException)
                {
                    throw new ApiException(400, $"import failed, nothing imported: {ex.Message}");
                }
                await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.import", $"bank:{name}",
                    $"format={fmt}; replace={replace ?? false}; read={result.Read}; added={result.Added}; updated={result.Updated}; disabled={result.Disabled}; skipped={problemCount}");
                await s.Matcher.RefreshAsync();
                return Results.Json(new { result, skipped = problemCount, problems }, SafeguardServer.Json);
            }
        }).Roles(Roles.Curator);
    }

    private static async Task<IResult> SetDisabled(string name, HttpContext ctx, ServerState s, bool disable)
    {
        await Require(s, name);
        var body = await Http.ReadJsonAsync<EntriesRequest>(ctx.Request);
        if (disable && string.IsNullOrWhiteSpace(body.Reason)) throw new ApiException(400, "reason is required to disable entries");
        var keys = Records(body).Select(r => (r.Type, r.Value)).ToList();
        int n = await s.Banks.SetDisabledAsync(name, keys, disable, disable ? body.Reason : null);
        await s.Audit.AppendAsync(ctx.Caller().Actor, disable ? "bank.disable" : "bank.enable", $"bank:{name}", $"requested={keys.Count}; changed={n}; reason={body.Reason}");
        await s.Matcher.RefreshAsync();
        return Results.Json(new { changed = n });
    }

    internal static async Task Require(ServerState s, string name)
    {
        if (name.Length > 200 || await s.Banks.GetBankAsync(name) is null) throw new ApiException(404, $"no bank named '{Trim(name)}'");
    }

    private static string Trim(string s) => s.Length > 80 ? s[..80] + "..." : s;

    private static List<EntryRecord> Records(EntriesRequest body)
    {
        if (body.Entries is null || body.Entries.Length == 0) throw new ApiException(400, "entries is required (a non-empty array)");
        if (body.Entries.Length > 100_000) throw new ApiException(413, "more than 100000 entries in one request; use /import");
        var list = new List<EntryRecord>(body.Entries.Length);
        for (int i = 0; i < body.Entries.Length; i++)
        {
            var e = body.Entries[i];
            if (!SignalTypes.TryGet(e.SignalType, out var t)) throw new ApiException(400, $"entries[{i}]: unknown signal_type '{e.SignalType}'");
            var v = t.TryNormalize(e.Value ?? "", out var err) ?? throw new ApiException(400, $"entries[{i}]: {err}");
            if (e.Category is < 0 or > 4) throw new ApiException(400, $"entries[{i}]: category must be 0..4");
            if (e.Grade is not (null or "A" or "B" or "C")) throw new ApiException(400, $"entries[{i}]: grade must be A, B or C");
            if (e.ContentId is { Length: > 500 }) throw new ApiException(400, $"entries[{i}]: content_id longer than 500 characters");
            list.Add(new EntryRecord(t, v) { ContentId = e.ContentId, Category = e.Category, Grade = e.Grade, Tags = e.Tags ?? [] });
        }
        return list;
    }
}
