using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Safeguard.Banks;
using Safeguard.Hashing.Pdq;
using Safeguard.Server.Auth;
using Safeguard.Server.Index;
using Safeguard.Signals;

namespace Safeguard.Server.Api;

/// <summary>
/// Routes with the request and response shapes of Meta's Hasher-Matcher-Actioner (OpenMediaMatch),
/// so HMA clients switch by changing the base URL (and sending a Safeguard key).
/// </summary>
public static class HmaEndpoints
{
    public static void Map(WebApplication app)
    {
        // /status: HMA's health check. Like liveness it needs no key and reveals nothing.
        app.MapGet("/status", (ServerState s) => s.Matcher.Status.Ready ? Results.Text("I-AM-ALIVE") : Results.Text("INDEX-NOT-READY", statusCode: 503))
            .AllowAnonymousCaller();

        // Hashing: GET ?url=..., or POST multipart with the file in a field named after the content type ("photo").
        app.MapGet("/h/hash", async (string? url, ServerState s, HttpContext ctx) =>
        {
            if (string.IsNullOrEmpty(url)) throw new ApiException(400, "url is required");
            var (bytes, name, _) = await s.Fetcher.FetchAsync(url, ctx.RequestAborted);
            return Results.Json(Signals(await MediaHashing.HashAsync(s, bytes, name, ctx.RequestAborted)));
        }).Roles(Roles.Hasher, Roles.Matcher).FetchesUrl();
        app.MapPost("/h/hash", async (HttpContext ctx, ServerState s) =>
        {
            var (bytes, name, _) = await Http.ReadUploadAsync(ctx.Request, s.Options.MaxMediaBytes);
            return Results.Json(Signals(await MediaHashing.HashAsync(s, bytes, name, ctx.RequestAborted)));
        }).Roles(Roles.Hasher, Roles.Matcher);

        // Matching: GET ?signal_type=&signal= gives a list of bank names; ?url= or POST a file gives {signal_type: [banks]}.
        app.MapGet("/m/lookup", async (string? signal_type, string? signal, string? url, ServerState s, HttpContext ctx) =>
        {
            if (!string.IsNullOrEmpty(url))
            {
                var (bytes, name, _) = await s.Fetcher.FetchAsync(url, ctx.RequestAborted);
                return Results.Json(await LookupSignalsAsync(s, await MediaHashing.HashAsync(s, bytes, name, ctx.RequestAborted), ctx.RequestAborted));
            }
            if (string.IsNullOrEmpty(signal) || string.IsNullOrEmpty(signal_type)) throw new ApiException(400, "signal and signal_type are required (or url)");
            var q = LookupService.Parse(signal_type, signal, out var err) ?? throw new ApiException(400, err!);
            return Results.Json(s.Lookup.Match(q).Select(m => m.Bank).Distinct().ToList());
        }).Roles(Roles.Matcher).FetchesUrl("url");
        app.MapPost("/m/lookup", async (HttpContext ctx, ServerState s) =>
        {
            var (bytes, name, _) = await Http.ReadUploadAsync(ctx.Request, s.Options.MaxMediaBytes);
            return Results.Json(await LookupSignalsAsync(s, await MediaHashing.HashAsync(s, bytes, name, ctx.RequestAborted), ctx.RequestAborted));
        }).Roles(Roles.Matcher);
        app.MapGet("/m/raw_lookup", (string? signal_type, string? signal, string? include_distance, ServerState s) =>
        {
            var q = LookupService.Parse(signal_type, signal, out var err) ?? throw new ApiException(400, err!);
            var matches = s.Lookup.Match(q);
            bool withDistance = include_distance is "true" or "1" or "True";
            // HMA's content ids are integers; Safeguard's entry ids are used for them.
            return withDistance
                ? Results.Json(new { matches = RawIds(s, q).Select(x => new { content_id = x.Id, distance = x.Distance.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList() })
                : Results.Json(new { matches = RawIds(s, q).Select(x => x.Id).ToList() });
        }).Roles(Roles.Matcher);
        // Compare: {"pdq": ["hash1", "hash2"]} -> {"pdq": [is_match, {"distance": d}]}
        app.MapPost("/m/compare", async (HttpRequest req) =>
        {
            var body = await Http.ReadJsonAsync<Dictionary<string, string[]>>(req);
            var result = new Dictionary<string, object[]>();
            foreach (var (type, pair) in body)
            {
                if (pair is not { Length: 2 }) throw new ApiException(400, $"{type}: expected a list of exactly two signals");
                var a = LookupService.Parse(type, pair[0], out var e1) ?? throw new ApiException(400, $"{type}: {e1}");
                var b = LookupService.Parse(type, pair[1], out var e2) ?? throw new ApiException(400, $"{type}: {e2}");
                int d = a.SignalType == "pdq" ? Hash256.Parse(a.Value).DistanceTo(Hash256.Parse(b.Value)) : a.Value == b.Value ? 0 : 1;
                bool match = a.SignalType == "pdq" ? d <= PdqResult.DefaultMatchThreshold : d == 0;
                result[type] = [match, new { distance = d }];
            }
            return Results.Json(result);
        }).Roles(Roles.Matcher, Roles.Hasher);
        app.MapGet("/m/index/status", (ServerState s) =>
        {
            var st = s.Matcher.Status;
            var builtTo = st.LastRefresh?.ToUnixTimeSeconds() ?? -1;
            return Results.Json(new Dictionary<string, object>
            {
                ["pdq"] = new { present = st.Ready, built_to = builtTo, size = st.Entries },
                ["md5"] = new { present = st.Ready, built_to = builtTo, size = st.Entries },
            });
        }).Roles(Roles.Matcher, Roles.Curator);

        // Curation.
        app.MapGet("/c/banks", async (ServerState s) =>
            Results.Json((await s.Banks.ListBanksAsync()).Select(HmaBank).ToList())).Roles(Roles.Curator, Roles.Matcher);
        app.MapPost("/c/banks", async (HttpContext ctx, ServerState s) =>
        {
            var body = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
            if (!body.TryGetValue("name", out var n) || n.ValueKind != JsonValueKind.String) throw new ApiException(400, "name is required");
            var name = n.GetString()!;
            if (await s.Banks.GetBankAsync(name) is not null) throw new ApiException(403, "Bank already exists");
            var b = await s.Banks.CreateBankAsync(name);
            await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.create", $"bank:{name}", "via HMA route");
            return Results.Json(HmaBank(b), statusCode: 201);
        }).Roles(Roles.Curator);
        app.MapGet("/c/bank/{name}", async (string name, ServerState s) =>
        {
            var b = await s.Banks.GetBankAsync(name) ?? throw new ApiException(404, $"bank '{name}' not found");
            return Results.Json(HmaBank(b));
        }).Roles(Roles.Curator, Roles.Matcher);
        app.MapDelete("/c/bank/{name}", async (string name, HttpContext ctx, ServerState s) =>
        {
            if (await s.Banks.DeleteBankAsync(name))
            {
                await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.delete", $"bank:{name}", "via HMA route");
                await s.Matcher.RefreshAsync();
            }
            return Results.Json(new { message = "Done" });
        }).Roles(Roles.Curator);
        app.MapPost("/c/bank/{name}/signal", async (string name, HttpContext ctx, ServerState s) =>
        {
            await BankEndpoints.Require(s, name);
            var body = await Http.ReadJsonAsync<Dictionary<string, string>>(ctx.Request);
            if (body.Count == 0) throw new ApiException(400, "No signals given");
            var records = new List<EntryRecord>();
            foreach (var (type, value) in body)
            {
                var q = LookupService.Parse(type, value, out var err) ?? throw new ApiException(400, $"Invalid {type} signal: {err}");
                records.Add(new EntryRecord(SignalTypes.Get(q.SignalType), q.Value));
            }
            await s.Banks.ImportAsync(name, records, new ImportOptions { Source = new ImportSource("hma-api", ctx.Caller().Actor) });
            await s.Audit.AppendAsync(ctx.Caller().Actor, "bank.add", $"bank:{name}", $"via HMA route; signals={records.Count}");
            await s.Matcher.RefreshAsync();
            var first = await s.Banks.FindAsync(records[0].Type, records[0].Value, name);
            return Results.Json(new { id = first.Count > 0 ? first[0].Id : 0, signals = records.ToDictionary(r => r.Type.Name, r => r.Value) });
        }).Roles(Roles.Curator);
    }

    private static object HmaBank(BankInfo b) => new { name = b.Name, matching_enabled_ratio = 1.0 };

    /// <summary>HMA's signals of a file: pdq and md5 for a photo, video_md5 and vpdq for a video.</summary>
    private static Dictionary<string, string> Signals(HashedMedia media)
    {
        var h = media.Hashes;
        if (media.IsVideo) return new() { ["video_md5"] = h.VideoMd5!, ["vpdq"] = h.Vpdq! };
        var d = new Dictionary<string, string>();
        if (h.Pdq is not null) d["pdq"] = h.Pdq;
        if (h.Md5 is not null) d["md5"] = h.Md5;
        return d;
    }

    /// <summary>Banks per signal type. For a video, frame hits on PDQ entries count under vpdq, as its frames are the vPDQ.</summary>
    private static async Task<Dictionary<string, List<string>>> LookupSignalsAsync(ServerState s, HashedMedia media, CancellationToken ct)
    {
        if (!media.IsVideo)
            return Signals(media).ToDictionary(kv => kv.Key, kv => s.Lookup.Match(new QueryHash(kv.Key, kv.Value)).Select(m => m.Bank).Distinct().ToList());
        var matches = await MediaHashing.MatchAsync(s, media, ct);
        List<string> Banks(Func<string, bool> type) => matches.Where(m => type(m.SignalType)).Select(m => m.Bank).Distinct().ToList();
        return new() { ["video_md5"] = Banks(t => t == "video_md5"), ["vpdq"] = Banks(t => t is "pdq" or "vpdq") };
    }

    private static List<(long Id, int Distance)> RawIds(ServerState s, QueryHash q)
    {
        var hits = new List<MatchHit>();
        if (q.SignalType == "pdq") s.Matcher.MatchPdq(Hash256.Parse(q.Value), s.Options.PdqThreshold, hits);
        else s.Matcher.MatchExact(q.SignalType, Convert.FromHexString(q.Value), hits);
        return hits.Select(h => (h.Entry.Id, h.Distance)).ToList();
    }
}
