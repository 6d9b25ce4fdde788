using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Hashing.Pdq;
using Safeguard.Banks.Storage;
using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Index;
using Safeguard.Server.UseCases;
using Safeguard.Server.Errors;
using Safeguard.Signals;

namespace Safeguard.Server.Endpoints;

/// <summary>
/// Routes with the request and response shapes of Meta's Hasher-Matcher-Actioner (OpenMediaMatch),
/// so HMA clients switch by changing the base URL (and sending a Safeguard key).
/// </summary>
/// <summary>A bank as HMA lists it.</summary>
public sealed record HmaBankDto(string Name, double MatchingEnabledRatio);

public static class HmaEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        // /status: HMA's health check. Like liveness it needs no key and reveals nothing.
        app.MapGet("/status", (LiveIndex index) => index.Status.Ready ? Results.Text("I-AM-ALIVE") : Results.Text("INDEX-NOT-READY", statusCode: 503))
            .AllowAnonymousCaller().WithName("HmaStatus").WithSummary("HMA: I-AM-ALIVE (no key needed)");

        // Hashing: GET ?url=..., or POST multipart with the file in a field named after the content type ("photo").
        app.MapGet("/h/hash", async (string? url, HashFile hash, HttpContext ctx) =>
        {
            if (string.IsNullOrEmpty(url)) throw new ValidationException("url is required");
            return Results.Json(Signals(await hash.FromUrlAsync(url, ctx.RequestAborted)));
        }).Roles(Roles.Hasher, Roles.Matcher).FetchesUrl().WithName("HmaHashUrl")
            .WithSummary("HMA: hash a URL -> {pdq, md5} for a photo, {video_md5, vpdq, tmk} for a video").Answers<Dictionary<string, string>>();
        app.MapPost("/h/hash", async (HttpContext ctx, HashFile hash, ServerOptions options) =>
        {
            var upload = await Http.ReadUploadAsync(ctx.Request, options.MaxMediaBytes);
            return Results.Json(Signals(await hash.RunAsync(upload, ctx.RequestAborted)));
        }).Roles(Roles.Hasher, Roles.Matcher).AcceptsUpload().WithName("HmaHash")
            .WithSummary("HMA: hash an uploaded file (field 'photo' or 'video') -> {pdq, md5} or {video_md5, vpdq, tmk}").Answers<Dictionary<string, string>>();

        // Matching: GET ?signal_type=&signal= gives a list of bank names; ?url= or POST a file gives {signal_type: [banks]}.
        app.MapGet("/m/lookup", async (string? signal_type, string? signal, string? url, HashFile hash, MediaHashing media, LookupService lookup, HttpContext ctx) =>
        {
            if (!string.IsNullOrEmpty(url))
                return Results.Json(await LookupSignalsAsync(media, lookup, await hash.FromUrlAsync(url, ctx.RequestAborted), ctx.RequestAborted));
            if (string.IsNullOrEmpty(signal) || string.IsNullOrEmpty(signal_type)) throw new ValidationException("signal and signal_type are required (or url)");
            var q = LookupService.Parse(signal_type, signal, out var err) ?? throw new ValidationException(err!);
            return Results.Json(lookup.Match(q).Select(m => m.Bank).Distinct().ToList());
        }).Roles(Roles.Matcher).FetchesUrl("url").SelectsBanks(strict: false).WithName("HmaLookup")
            .WithSummary("HMA: signal_type+signal -> [bank names]; url -> {signal_type: [bank names]}").Problems();
        app.MapPost("/m/lookup", async (HttpContext ctx, HashFile hash, MediaHashing media, LookupService lookup, ServerOptions options) =>
        {
            var upload = await Http.ReadUploadAsync(ctx.Request, options.MaxMediaBytes);
            return Results.Json(await LookupSignalsAsync(media, lookup, await hash.RunAsync(upload, ctx.RequestAborted), ctx.RequestAborted));
        }).Roles(Roles.Matcher).AcceptsUpload().SelectsBanks(strict: false).WithName("HmaLookupFile")
            .WithSummary("HMA: upload a photo or video -> {signal_type: [bank names]}").Answers<Dictionary<string, List<string>>>();
        app.MapGet("/m/raw_lookup", (string? signal_type, string? signal, string? include_distance, LookupService lookup) =>
        {
            var q = LookupService.Parse(signal_type, signal, out var err) ?? throw new ValidationException(err!);
            var raw = lookup.MatchRaw(q).Select(m => (m.Entry.Id, m.Distance)).ToList();
            bool withDistance = include_distance is "true" or "1" or "True";
            // HMA's content ids are integers; Safeguard's entry ids are used for them.
            return withDistance
                ? Results.Json(new { matches = raw.Select(x => new { content_id = x.Id, distance = x.Distance.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList() })
                : Results.Json(new { matches = raw.Select(x => x.Id).ToList() });
        }).Roles(Roles.Matcher).SelectsBanks(strict: false).WithName("HmaRawLookup").WithSummary("HMA: {matches: [content ids]} (with distances when include_distance=true)").Problems();
        // Compare: {"pdq": ["hash1", "hash2"]} -> {"pdq": [is_match, {"distance": d}]}
        app.MapPost("/m/compare", async (HttpRequest req) =>
        {
            var body = await Http.ReadJsonAsync<Dictionary<string, string[]>>(req);
            var result = new Dictionary<string, object[]>();
            foreach (var (type, pair) in body)
            {
                if (pair is not { Length: 2 }) throw new ValidationException($"{type}: expected a list of exactly two signals");
                var a = LookupService.Parse(type, pair[0], out var e1) ?? throw new ValidationException($"{type}: {e1}");
                var b = LookupService.Parse(type, pair[1], out var e2) ?? throw new ValidationException($"{type}: {e2}");
                bool pdq = a.SignalType == SignalTypes.Pdq.Name;
                int d = pdq ? SignalTypes.Pdq.Parse(a.Value).DistanceTo(SignalTypes.Pdq.Parse(b.Value)) : a.Value == b.Value ? 0 : 1;
                bool match = pdq ? d <= SignalTypes.Pdq.DefaultThreshold : d == 0;
                result[type] = [match, new { distance = d }];
            }
            return Results.Json(result);
        }).Roles(Roles.Matcher, Roles.Hasher).AcceptsJson<Dictionary<string, string[]>>().WithName("HmaCompare")
            .WithSummary("HMA-style compare: {pdq: [h1, h2]} -> {pdq: [is_match, {distance}]}").Problems();
        app.MapGet("/m/index/status", (LiveIndex index) =>
        {
            var st = index.Status;
            var builtTo = st.LastRefresh?.ToUnixTimeSeconds() ?? -1;
            return Results.Json(new Dictionary<string, object>
            {
                ["pdq"] = new { present = st.Ready, built_to = builtTo, size = st.Entries },
                ["md5"] = new { present = st.Ready, built_to = builtTo, size = st.Entries },
            });
        }).Roles(Roles.Matcher, Roles.Curator).WithName("HmaIndexStatus").WithSummary("HMA: {signal_type: {present, built_to, size}}").Problems();

        // Curation.
        app.MapGet("/c/banks", async (IBankStore banks) =>
            Results.Json((await banks.ListBanksAsync()).Select(HmaBank).ToList())).Roles(Roles.Curator, Roles.Matcher)
            .WithName("HmaListBanks").WithSummary("HMA: [{name, matching_enabled_ratio}]").Answers<List<HmaBankDto>>();
        app.MapPost("/c/banks", async (HttpContext ctx, IBankStore banks, AuditLog audit, LookupService lookup) =>
        {
            var body = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
            if (!body.TryGetValue("name", out var n) || n.ValueKind != JsonValueKind.String) throw new ValidationException("name is required");
            var name = n.GetString()!;
            // HMA: enabled_ratio wins over enabled; neither means 1.0.
            double ratio = RatioOf(body) ?? 1.0;
            EnsureRatio(ratio);
            if (await banks.GetBankAsync(name) is not null) throw new ForbiddenException("Bank already exists");
            var b = await banks.CreateBankAsync(name);
            if (ratio != 1.0) b = await banks.UpdateBankAsync(name, new BankUpdate { MatchingEnabledRatio = ratio });
            await audit.AppendAsync(ctx.Caller().Actor, "bank.create", $"bank:{name}", $"via HMA route; ratio={ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            await lookup.ReloadBanksAsync(banks);
            return Results.Json(HmaBank(b), statusCode: 201);
        }).Roles(Roles.Curator).AcceptsJson<Dictionary<string, JsonElement>>().WithName("HmaCreateBank")
            .WithSummary("HMA: create a bank (403 if it exists)").Answers<HmaBankDto>(201);
        app.MapGet("/c/bank/{name}", async (string name, IBankStore banks) =>
        {
            var b = await banks.GetBankAsync(name) ?? throw new NotFoundException($"bank '{name}' not found");
            return Results.Json(HmaBank(b));
        }).Roles(Roles.Curator, Roles.Matcher).WithName("HmaGetBank").WithSummary("HMA: one bank").Answers<HmaBankDto>();
        app.MapDelete("/c/bank/{name}", async (string name, HttpContext ctx, IBankStore banks, AuditLog audit, LiveIndex index) =>
        {
            if (await banks.DeleteBankAsync(name))
            {
                await audit.AppendAsync(ctx.Caller().Actor, "bank.delete", $"bank:{name}", "via HMA route");
                await index.RefreshAsync();
            }
            return Results.Json(new { message = "Done" });
        }).Roles(Roles.Curator).WithName("HmaDeleteBank").WithSummary("HMA: delete a bank").Problems();
        HmaContentEndpoints.Map(app);
        app.MapPost("/c/bank/{name}/signal", async (string name, HttpContext ctx, IBankStore banks, AuditLog audit, LiveIndex index) =>
        {
            await BankGuard.RequireAsync(banks, name);
            var body = await Http.ReadJsonAsync<Dictionary<string, string>>(ctx.Request);
            // HMA takes the note from the same object as the signals.
            body.Remove("note", out var note);
            if (body.Count == 0) throw new ValidationException("No signals given");
            var records = new List<EntryRecord>();
            foreach (var (type, value) in body)
            {
                var q = LookupService.Parse(type, value, out var err) ?? throw new ValidationException($"Invalid {type} signal: {err}");
                records.Add(new EntryRecord(SignalTypes.Get(q.SignalType), q.Value) { Note = string.IsNullOrEmpty(note) ? null : note });
            }
            await banks.ImportAsync(name, records, new ImportOptions { Source = new ImportSource("hma-api", ctx.Caller().Actor) });
            await audit.AppendAsync(ctx.Caller().Actor, "bank.add", $"bank:{name}", $"via HMA route; signals={records.Count}");
            await index.RefreshAsync();
            var first = await banks.FindAsync(records[0].Type, records[0].Value, name);
            return Results.Json(new { id = first.Count > 0 ? first[0].Id : 0, signals = records.ToDictionary(r => r.Type.Name, r => r.Value) });
        }).Roles(Roles.Curator).AcceptsJson<Dictionary<string, string>>().WithName("HmaAddSignals")
            .WithSummary("HMA: add signals {signal_type: value} -> {id, signals}").Problems();
    }

    internal static HmaBankDto HmaBank(BankInfo b) => new(b.Name, b.MatchingEnabledRatio);

    /// <summary>HMA's ratio fields: enabled_ratio (a number) wins over enabled (a boolean); null when neither is given.</summary>
    internal static double? RatioOf(Dictionary<string, JsonElement> body)
    {
        if (body.TryGetValue("enabled_ratio", out var r) && r.ValueKind != JsonValueKind.Null)
            return r.ValueKind == JsonValueKind.Number ? r.GetDouble() : throw new ValidationException("enabled_ratio should be a number");
        if (body.TryGetValue("enabled", out var e) && e.ValueKind != JsonValueKind.Null)
            return e.ValueKind switch
            {
                JsonValueKind.True => 1.0,
                JsonValueKind.False => 0.0,
                _ => throw new ValidationException("enabled should be a boolean"),
            };
        return null;
    }

    internal static void EnsureRatio(double ratio)
    {
        try { EntryFields.ValidateRatio(ratio); }
        catch (BankException ex) { throw new ValidationException(ex.Message); }
    }

    /// <summary>HMA's signals of a file: pdq and md5 for a photo, video_md5 and vpdq for a video.</summary>
    internal static Dictionary<string, string> Signals(HashedMedia media)
    {
        var h = media.Hashes;
        if (media.IsVideo)
        {
            var v = new Dictionary<string, string> { [SignalTypes.VideoMd5.Name] = h.VideoMd5!, [SignalTypes.Vpdq.Name] = h.Vpdq! };
            if (h.Tmk is not null) v[SignalTypes.Tmk.Name] = h.Tmk;
            return v;
        }
        var d = new Dictionary<string, string>();
        if (h.Pdq is not null) d[SignalTypes.Pdq.Name] = h.Pdq;
        if (h.Md5 is not null) d[SignalTypes.Md5.Name] = h.Md5;
        return d;
    }

    /// <summary>
    /// Banks per HMA signal type, from the engine's matches of the file: pdq and md5 for a photo;
    /// for a video, MD5 hits count under video_md5, frame and whole-video hits under vpdq, TMK hits under tmk.
    /// </summary>
    private static Task<Dictionary<string, List<string>>> LookupSignalsAsync(MediaHashing hashing, LookupService lookup, HashedMedia media, CancellationToken ct)
    {
        var matches = hashing.Match(media);
        List<string> Banks(Func<SignalType, bool> type) =>
            matches.Where(m => SignalTypes.TryGet(m.SignalType, out var t) && type(t)).Select(m => m.Bank).Distinct().ToList();
        bool Md5(SignalType t) => t is Safeguard.Signals.Exact.DigestSignal { Algorithm: Safeguard.Signals.Exact.DigestAlgorithm.Md5 };
        bool Perceptual(SignalType t) => (t.Kind is SignalKind.Perceptual or SignalKind.Video) && t != SignalTypes.Tmk;
        var result = media.IsVideo
            ? new Dictionary<string, List<string>> { [SignalTypes.VideoMd5.Name] = Banks(Md5), [SignalTypes.Vpdq.Name] = Banks(Perceptual) }
            : Signals(media).ToDictionary(kv => kv.Key, kv => kv.Key == SignalTypes.Pdq.Name ? Banks(Perceptual) : Banks(Md5));
        if (media.Hashes.Tmk is not null) result[SignalTypes.Tmk.Name] = Banks(t => t == SignalTypes.Tmk);
        return Task.FromResult(result);
    }
}
