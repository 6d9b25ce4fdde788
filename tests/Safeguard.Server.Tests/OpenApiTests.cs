using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_served_openapi_document_describes_exactly_the_mapped_routes_with_their_roles()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var doc = await Json(await h.Admin.GetAsync("/openapi.json"));
        Assert.Equal("3.1.1", doc.GetProperty("openapi").GetString()); // OpenAPI 3.1, as Microsoft.OpenApi writes it
        var documented = new HashSet<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
                documented.Add($"{op.Name.ToUpperInvariant()} {path.Name}");

        var mapped = new HashSet<string>();
        foreach (var e in h.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = PathOf(e);
            foreach (var m in e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods) mapped.Add($"{m} {pattern}");
            // Roles in the document are the roles the route enforces.
            var roles = e.Metadata.GetMetadata<Auth.RequireRoles>()?.Roles;
            var op = doc.GetProperty("paths").GetProperty(pattern).GetProperty(e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods[0].ToLowerInvariant());
            if (roles is null) Assert.False(op.TryGetProperty("x-roles", out _), pattern);
            else if (roles.Length == Auth.Roles.All.Length) Assert.Equal(["any"], op.GetProperty("x-roles").EnumerateArray().Select(x => x.GetString()));
            else Assert.Equal(roles, op.GetProperty("x-roles").EnumerateArray().Select(x => x.GetString()!).ToArray());
        }
        Assert.NotEmpty(mapped);
        Assert.Empty(mapped.Except(documented));
        Assert.Empty(documented.Except(mapped));

        using var anon = NewClient(h.BaseUrl, null);
        var ui = await anon.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("script-src 'self'", ui.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", ui.Headers.GetValues("X-Content-Type-Options").Single());
        // Sign-in is the UI's own request (its anti-forgery header).
        HttpRequestMessage SignIn(string json) => new(HttpMethod.Post, "/ui/session")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Headers = { { "X-Safeguard-UI", "1" } },
        };
        var badSignIn = await anon.SendAsync(SignIn("{\"key\":\"sg_wrong\"}"));
        Assert.Equal(HttpStatusCode.Unauthorized, badSignIn.StatusCode);
        var (_, curatorKey) = await h.KeyAsync("c", null, "curator");
        var curatorSignIn = await anon.SendAsync(SignIn(JsonSerializer.Serialize(new { key = curatorKey })));
        Assert.Equal(HttpStatusCode.Forbidden, curatorSignIn.StatusCode); // only reviewer and admin keys sign in to the UI
    }

    /// <summary>A route as the document names it: constraints dropped; a trailing slash is not significant in routing, nor in the document.</summary>
    private static string PathOf(RouteEndpoint e)
    {
        var path = "/" + Regex.Replace(e.RoutePattern.RawText!.TrimStart('/'), @":\w+\}", "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [Fact]
    public async Task The_generated_document_has_every_endpoint_with_its_method_the_video_match_fields_and_the_key_schemes()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var response = await h.Admin.GetAsync("/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await Json(response);
        var paths = doc.GetProperty("paths");

        // Every endpoint the server maps, with each of its methods, an operation id and a summary.
        int checkedOps = 0;
        foreach (var e in h.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            foreach (var method in e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
            {
                Assert.True(paths.TryGetProperty(PathOf(e), out var item), $"{method} {PathOf(e)} is not in the document");
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var op), $"{method} {PathOf(e)}: method missing");
                Assert.False(string.IsNullOrEmpty(op.GetProperty("summary").GetString()), $"{method} {PathOf(e)}: no summary");
                checkedOps++;
            }
        Assert.True(checkedOps >= 60, $"only {checkedOps} operations mapped");

        // The lookup answer: hashes with the video fields, matches with the frame and whole-video fields.
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        JsonElement Resolve(JsonElement schema) =>
            schema.TryGetProperty("$ref", out var r) ? schemas.GetProperty(r.GetString()!["#/components/schemas/".Length..]) : schema;
        var lookup = Resolve(paths.GetProperty("/v1/lookup/file").GetProperty("post").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        var hashes = Resolve(lookup.GetProperty("properties").GetProperty("hashes"));
        foreach (var field in new[] { "md5", "sha1", "sha256", "pdq", "pdq_quality", "video_md5", "vpdq", "vpdq_frames", "tmk" })
            Assert.True(hashes.GetProperty("properties").TryGetProperty(field, out _), $"hashes.{field}");
        var match = Resolve(lookup.GetProperty("properties").GetProperty("matches").GetProperty("items"));
        foreach (var field in new[] { "bank", "signal_type", "query_value", "entry_value", "distance", "verified", "frame_seconds", "query_match_percent", "tmk_level1", "tmk_level2" })
            Assert.True(match.GetProperty("properties").TryGetProperty(field, out _), $"matches[].{field}");
        // Null members are left out of answers: an image hit has no frame_seconds, a video no pdq, so neither is required.
        var required = match.TryGetProperty("required", out var req) ? req.EnumerateArray().Select(x => x.GetString()).ToList() : [];
        Assert.DoesNotContain("frame_seconds", required);
        Assert.DoesNotContain("query_match_percent", required);
        Assert.DoesNotContain("tmk_level1", required);
        Assert.Contains("bank", required);
        Assert.Equal("integer", match.GetProperty("properties").GetProperty("distance").GetProperty("type").GetString());

        // The answer a real lookup gives has only fields the document names (a hash hit here, on its md5).
        var bytes = System.IO.File.ReadAllBytes(Path.Combine(TestImages.Bridge, "aaa-orig.jpg"));
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes));
        Assert.Equal(HttpStatusCode.Created, (await h.Admin.PostAsJsonAsync("/v1/banks", new { name = "b" })).StatusCode);
        Assert.True((await h.Admin.PostAsJsonAsync("/v1/banks/b/entries", new { entries = new[] { new { signal_type = "md5", value = md5 } } })).IsSuccessStatusCode);
        var answer = await Json(await h.Admin.PostAsync("/v1/lookup/file", Bytes(bytes, "bridge.jpg")));
        foreach (var p in answer.EnumerateObject()) Assert.True(lookup.GetProperty("properties").TryGetProperty(p.Name, out _), p.Name);
        foreach (var p in answer.GetProperty("hashes").EnumerateObject()) Assert.True(hashes.GetProperty("properties").TryGetProperty(p.Name, out _), "hashes." + p.Name);
        var hit = Assert.Single(answer.GetProperty("matches").EnumerateArray());
        foreach (var p in hit.EnumerateObject()) Assert.True(match.GetProperty("properties").TryGetProperty(p.Name, out _), "matches[]." + p.Name);

        // The two ways to send a key, and every keyed route names them.
        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("http", schemes.GetProperty("bearer").GetProperty("type").GetString());
        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("apiKey", schemes.GetProperty("apiKey").GetProperty("type").GetString());
        Assert.Equal("header", schemes.GetProperty("apiKey").GetProperty("in").GetString());
        Assert.Equal("X-API-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        var security = paths.GetProperty("/v1/lookup/file").GetProperty("post").GetProperty("security").EnumerateArray()
            .SelectMany(r => r.EnumerateObject().Select(x => x.Name)).ToList();
        Assert.Equal(["bearer", "apiKey"], security);
        Assert.False(paths.GetProperty("/v1/health/live").GetProperty("get").TryGetProperty("security", out _));

        // Errors are problem details, with the message in error as well.
        var problem = await h.Admin.GetAsync("/v1/banks/no-such-bank");
        Assert.Equal(HttpStatusCode.NotFound, problem.StatusCode);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType!.MediaType);
        var body = await Json(problem);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal("no bank named 'no-such-bank'", body.GetProperty("detail").GetString());
        Assert.Equal(body.GetProperty("detail").GetString(), body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));

        // The document needs a key, like every route but liveness and the UI's pages.
        using var anon = NewClient(h.BaseUrl, null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/openapi.json")).StatusCode);
    }
}
