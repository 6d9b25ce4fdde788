using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests.Exchanges;

/// <summary>
/// An exchange's secret settings (an Authorization value, an API-key header) reach the upstream
/// and nowhere else: no answer of any exchange route, no status, no audit line, no log line.
/// The upstream here echoes the credentials it got in its error, as careless servers do.
/// </summary>
public sealed class ExchangeSecretTests
{
    private const string Authorization = "Bearer tok-5e3f1a9c77b2";
    private const string ApiKey = "apikey-0d4c8e21f9";

    [Fact]
    public async Task Secrets_are_never_in_answers_audit_or_logs()
    {
        int port = FreePort.Next();
        var seen = new ConcurrentQueue<string>();
        var upstream = WebApplication.CreateSlimBuilder();
        upstream.WebHost.UseUrls($"http://127.0.0.1:{port}");
        upstream.Logging.ClearProviders();
        await using var up = upstream.Build();
        up.MapGet("/list.txt", (HttpContext ctx) =>
        {
            var auth = ctx.Request.Headers.Authorization.ToString();
            var key = ctx.Request.Headers["X-Api-Key"].ToString();
            seen.Enqueue(auth + "|" + key);
            return Results.Text($"access denied for {auth} with key {key}", statusCode: 403);
        });
        await up.StartAsync();

        var logs = new CapturedLogs();
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { ExchangeFetch = false, FetchAllowList = ["127.0.0.1/32"] }, logs.AddTo);
        var curator = await h.ClientAsync("curator");
        var answers = new List<string>();
        async Task<HttpResponseMessage> Keep(Task<HttpResponseMessage> call)
        {
            var r = await call;
            answers.Add(await r.Content.ReadAsStringAsync());
            return r;
        }

        var settings = new Dictionary<string, string>
        {
            ["url"] = $"http://127.0.0.1:{port}/list.txt", ["authorization"] = Authorization, ["headers"] = $$"""{"X-Api-Key": "{{ApiKey}}"}""",
        };
        Assert.Equal(HttpStatusCode.Created, (await Keep(h.Admin.PostAsJsonAsync("/v1/exchanges", new { name = "remote", type = "url", settings }))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Keep(h.Admin.PostAsJsonAsync("/c/exchanges",
            new { bank = "REMOTE_HMA", api = "url", api_json = new { url = $"http://127.0.0.1:{port}/list.txt", authorization = Authorization } }))).StatusCode);
        var fetched = await Keep(curator.PostAsync("/v1/exchanges/remote/fetch", null));
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.False((await h.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/v1/exchanges/remote")).GetProperty("status").GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.Null);
        await Keep(curator.PostAsync("/v1/exchanges/REMOTE_HMA/fetch", null));
        await Keep(curator.GetAsync("/v1/exchanges"));
        await Keep(curator.GetAsync("/v1/exchanges/remote"));
        await Keep(curator.GetAsync("/v1/exchanges/types"));
        await Keep(curator.GetAsync("/c/exchange/remote"));
        await Keep(curator.GetAsync("/c/exchange/REMOTE_HMA"));
        await Keep(curator.GetAsync("/c/exchange/remote/status"));
        await Keep(h.Admin.GetAsync("/v1/index/status"));
        await Keep(h.Admin.PatchAsJsonAsync("/v1/exchanges/remote", new { settings = new Dictionary<string, string> { ["authorization"] = "Bearer tok-replaced-881" } }));
        await Keep(h.Admin.PutAsJsonAsync("/c/exchange/REMOTE_HMA", new { enabled = false }));
        var audit = await h.State.Db.QueryAsync("SELECT COALESCE(detail, '') FROM audit_log", r => r.GetString(0));

        // The upstream did get the credentials, and the fetch failed with its echo of them...
        Assert.Contains(Authorization + "|" + ApiKey, seen);
        Assert.Contains(answers, a => a.Contains("403", StringComparison.Ordinal));
        // ...yet no answer, audit line or log line holds them.
        Assert.Contains(answers, a => a.Contains("\"authorization\":\"***\"", StringComparison.Ordinal));
        foreach (var text in answers.Concat(audit).Concat(logs.Lines))
        {
            Assert.DoesNotContain("tok-", text);
            Assert.DoesNotContain(ApiKey, text);
        }
        Assert.Contains(logs.Lines, l => l.Contains("exchange remote: fetch failed", StringComparison.Ordinal));
        await up.StopAsync();
    }
}
