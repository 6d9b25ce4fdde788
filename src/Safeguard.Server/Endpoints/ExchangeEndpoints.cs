using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Safeguard.Exchanges;
using Safeguard.Server.Api;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Exchanges;
using Safeguard.Server.UseCases;

namespace Safeguard.Server.Endpoints;

public sealed record ExchangeCreateRequest(string? Name, string? Type, string? Bank, Dictionary<string, string>? Settings, bool? Enabled, bool? Feedback, string? Interval);
public sealed record ExchangeUpdateRequest(bool? Enabled, bool? Feedback, string? Interval, Dictionary<string, string>? Settings);
public sealed record ExchangeListResponse(IReadOnlyList<ExchangeView> Exchanges);
public sealed record ExchangeTypesResponse(IReadOnlyList<ExchangeTypeView> Types);
public sealed record FetchStartedResponse(string Exchange, string Status);

/// <summary>HMA's fetch status: the documented keys and those its storage's FetchStatus really carries.</summary>
public sealed record HmaFetchStatusDto(long LastFetchTime, long CheckpointTime, bool Success,
    long? CheckpointTs, long? RunningFetchStartTs, long? LastFetchCompleteTs, bool? LastFetchSucceeded, bool UpToDate, long FetchedItems);

/// <summary>
/// Exchanges over HTTP: HMA's <c>/c/exchanges</c> shapes and the <c>/v1/exchanges</c> routes. Curators
/// read and ask for a fetch; only admins add, change or remove an exchange (its settings hold
/// credentials and name the addresses this server will fetch). Secrets are never returned.
/// </summary>
public static class ExchangeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        MapV1(app);
        MapHma(app);
    }

    private static void MapV1(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/exchanges/types", () => Results.Json(new ExchangeTypesResponse(ManageExchanges.Types()), ApiJson.Options))
            .Roles(Roles.Curator).WithName("ListExchangeTypes").WithSummary("Exchange types and the settings each reads (secret ones marked)").Answers<ExchangeTypesResponse>();
        app.MapGet("/v1/exchanges", async (ManageExchanges x, HttpContext ctx) =>
                Results.Json(new ExchangeListResponse(await x.ListAsync(ctx.RequestAborted)), ApiJson.Options))
            .Roles(Roles.Curator).WithName("ListExchanges").WithSummary("Exchanges with their settings (secrets as ***) and status").Answers<ExchangeListResponse>();
        app.MapPost("/v1/exchanges", async (HttpContext ctx, ManageExchanges x) =>
            {
                var body = await Http.ReadJsonAsync<ExchangeCreateRequest>(ctx.Request);
                var added = await x.AddAsync(new NewExchange(body.Name, body.Type, body.Bank, body.Settings, body.Enabled, body.Feedback, body.Interval), ctx.Caller().Actor);
                return Results.Json(added, ApiJson.Options, statusCode: 201);
            }).Roles(Roles.Admin).AcceptsJson<ExchangeCreateRequest>().WithName("AddExchange")
            .WithSummary("Add an exchange bound to a bank (created when missing); settings checked by its type").Answers<ExchangeView>(201);
        app.MapGet("/v1/exchanges/{name}", async (string name, ManageExchanges x, HttpContext ctx) =>
                Results.Json(await x.GetAsync(name, ctx.RequestAborted), ApiJson.Options))
            .Roles(Roles.Curator).WithName("GetExchange").WithSummary("One exchange: settings (secrets as ***) and full status").Answers<ExchangeView>();
        app.MapMethods("/v1/exchanges/{name}", ["PATCH"], async (string name, HttpContext ctx, ManageExchanges x) =>
            {
                var body = await Http.ReadJsonAsync<ExchangeUpdateRequest>(ctx.Request);
                var changed = await x.UpdateAsync(name, new ExchangeChanges(body.Enabled, body.Feedback, body.Interval, body.Settings), ctx.Caller().Actor);
                return Results.Json(changed, ApiJson.Options);
            }).Roles(Roles.Admin).AcceptsJson<ExchangeUpdateRequest>().WithName("UpdateExchange")
            .WithSummary("Enable or disable an exchange, its feedback, interval or settings (an empty value removes a setting)").Answers<ExchangeView>();
        app.MapDelete("/v1/exchanges/{name}", async (string name, HttpContext ctx, ManageExchanges x) =>
            {
                await x.RemoveAsync(name, ctx.Caller().Actor);
                return Results.Json(new { removed = name }, ApiJson.Options);
            }).Roles(Roles.Admin).WithName("RemoveExchange").WithSummary("Remove an exchange; its bank and entries stay").Problems();
        app.MapPost("/v1/exchanges/{name}/fetch", async (string name, int? wait, HttpContext ctx, ManageExchanges x, IHostApplicationLifetime life) =>
            {
                int seconds = wait ?? 20;
                if (seconds is < 0 or > 300) throw new ValidationException("wait must be 0..300 seconds");
                var (fetch, info) = await x.StartFetchAsync(name, ctx.Caller().Actor, life.ApplicationStopping);
                var done = await Task.WhenAny(fetch, Task.Delay(TimeSpan.FromSeconds(seconds), ctx.RequestAborted));
                return done == fetch
                    ? Results.Json(ExchangeViews.ResultOf(await fetch, info), ApiJson.Options)
                    : Results.Json(new FetchStartedResponse(name, "running"), ApiJson.Options, statusCode: 202);
            }).Roles(Roles.Curator).WithName("FetchExchange")
            .WithSummary("Fetch an exchange now: the result when done within ?wait= seconds (default 20), else 202 while it runs").Answers<FetchResultView>();
    }

    private static void MapHma(IEndpointRouteBuilder app)
    {
        app.MapGet("/c/exchanges/apis", () => Results.Json(ExchangeTypes.BuiltIn.Select(t => t.Name).ToList()))
            .Roles(Roles.Curator).WithName("HmaExchangeApis").WithSummary("HMA: [exchange type names]").Answers<List<string>>();
        app.MapGet("/c/exchanges", async (ManageExchanges x, HttpContext ctx) =>
                Results.Json((await x.ListAsync(ctx.RequestAborted)).Select(e => e.Name).ToList()))
            .Roles(Roles.Curator).WithName("HmaListExchanges").WithSummary("HMA: [exchange names]").Answers<List<string>>();
        app.MapPost("/c/exchanges", async (HttpContext ctx, ManageExchanges x) =>
            {
                var body = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
                var name = StringField(body, "bank") ?? throw new ValidationException("Field `bank` is required");
                var api = StringField(body, "api") ?? throw new ValidationException("Field `api` is required");
                var settings = new Dictionary<string, string>(StringComparer.Ordinal);
                bool? enabled = null;
                if (body.TryGetValue("api_json", out var json) && json.ValueKind != JsonValueKind.Null)
                {
                    if (json.ValueKind != JsonValueKind.Object) throw new ValidationException("Field `api_json` must be object");
                    foreach (var p in json.EnumerateObject())
                    {
                        // HMA's config carries these itself; here they are the exchange's own fields.
                        if (p.Name is "name" or "api") continue;
                        if (p.Name == "enabled") { enabled = p.Value.ValueKind == JsonValueKind.True || (p.Value.ValueKind != JsonValueKind.False ? throw new ValidationException("api_json.enabled must be true or false") : false); continue; }
                        settings[p.Name] = SettingText(p);
                    }
                }
                await x.AddAsync(new NewExchange(name, api, name, settings, enabled, null, null), ctx.Caller().Actor);
                return Results.Json(new { message = "Created successfully" }, statusCode: 201);
            }).Roles(Roles.Admin).AcceptsJson<Dictionary<string, JsonElement>>().WithName("HmaCreateExchange")
            .WithSummary("HMA: {bank, api, api_json} -> 201 {message}; `bank` names the exchange and its bank").Problems();
        app.MapGet("/c/exchange/{name}", async (string name, ManageExchanges x, HttpContext ctx) => Results.Json(HmaConfig(await x.GetAsync(name, ctx.RequestAborted))))
            .Roles(Roles.Curator).WithName("HmaGetExchange").WithSummary("HMA: {name, api, enabled, ...settings (secrets as ***)}").Answers<Dictionary<string, object>>();
        app.MapPut("/c/exchange/{name}", async (string name, HttpContext ctx, ManageExchanges x) =>
            {
                var body = await Http.ReadJsonAsync<Dictionary<string, JsonElement>>(ctx.Request);
                bool? enabled = null;
                if (body.TryGetValue("enabled", out var e) && e.ValueKind != JsonValueKind.Null)
                    enabled = e.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw new ValidationException("enabled must be true or false") };
                return Results.Json(HmaConfig(await x.UpdateAsync(name, new ExchangeChanges(enabled, null, null, null), ctx.Caller().Actor)));
            }).Roles(Roles.Admin).AcceptsJson<Dictionary<string, JsonElement>>().WithName("HmaUpdateExchange")
            .WithSummary("HMA: {enabled} -> the exchange's config").Answers<Dictionary<string, object>>();
        app.MapDelete("/c/exchange/{name}", async (string name, HttpContext ctx, ManageExchanges x) =>
            {
                await x.RemoveAsync(name, ctx.Caller().Actor);
                return Results.Json(new { message = "Exchange deleted" });
            }).Roles(Roles.Admin).WithName("HmaDeleteExchange").WithSummary("HMA: delete an exchange (its bank stays) -> {message}").Problems();
        app.MapGet("/c/exchange/{name}/status", async (string name, ManageExchanges x, ExchangeRunner runner, HttpContext ctx) =>
                Results.Json(HmaStatus(await x.GetStatusAsync(name, ctx.RequestAborted), runner.IsRunning(name)), ApiJson.Options))
            .Roles(Roles.Curator).WithName("HmaExchangeStatus").WithSummary("HMA: {last_fetch_time, checkpoint_time, success} as unix seconds (0: never)")
            .Answers<HmaFetchStatusDto>();
    }

    private static string? StringField(Dictionary<string, JsonElement> body, string name) =>
        body.TryGetValue(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ValidationException($"Field `{name}` must be a string") : null;

    /// <summary>HMA configs hold strings, numbers, booleans and lists of strings; each becomes a text setting.</summary>
    private static string SettingText(JsonProperty p) => p.Value.ValueKind switch
    {
        JsonValueKind.String => p.Value.GetString()!,
        JsonValueKind.Number => p.Value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array when p.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => string.Join(",", p.Value.EnumerateArray().Select(e => e.GetString())),
        _ => throw new ValidationException($"api_json.{p.Name} must be a string, number, boolean or list of strings"),
    };

    private static Dictionary<string, object> HmaConfig(ExchangeView x)
    {
        var config = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in x.Settings) config[k] = v;
        config["name"] = x.Name;
        config["api"] = x.Type;
        config["enabled"] = x.Enabled;
        config["bank"] = x.Bank;
        return config;
    }

    private static HmaFetchStatusDto HmaStatus(ExchangeStatus? s, bool running)
    {
        long? checkpoint = (s?.UpstreamTime ?? (s?.Checkpoint is null ? null : s.LastSuccess))?.ToUnixTimeSeconds();
        long? started = s?.LastFetch?.ToUnixTimeSeconds();
        bool? succeeded = s?.LastFetch is null ? null : s.Error is null;
        return new HmaFetchStatusDto(started ?? 0, checkpoint ?? 0, succeeded ?? false,
            checkpoint, running ? started : null, s?.LastSuccess?.ToUnixTimeSeconds(), succeeded,
            UpToDate: succeeded == true && !running, FetchedItems: (s?.Added ?? 0) + (s?.Updated ?? 0));
    }

}
