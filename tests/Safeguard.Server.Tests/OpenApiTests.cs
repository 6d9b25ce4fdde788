using System.Net;
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
        Assert.Equal("3.1.0", doc.GetProperty("openapi").GetString());
        var documented = new HashSet<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
                documented.Add($"{op.Name.ToUpperInvariant()} {path.Name}");

        var mapped = new HashSet<string>();
        foreach (var e in h.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + Regex.Replace(e.RoutePattern.RawText!.TrimStart('/'), @":\w+\}", "}");
            foreach (var m in e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods) mapped.Add($"{m} {pattern}");
            // Roles in the document are the roles the route enforces.
            var roles = e.Metadata.GetMetadata<Auth.RequireRoles>()?.Roles;
            var op = doc.GetProperty("paths").GetProperty(pattern).GetProperty(e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods[0].ToLowerInvariant());
            if (roles is null) Assert.False(op.TryGetProperty("x-roles", out _), pattern);
            else if (roles.Length == Auth.Roles.All.Length) Assert.Equal(["any"], op.GetProperty("x-roles").EnumerateArray().Select(x => x.GetString()));
            else Assert.Equal(roles, op.GetProperty("x-roles").EnumerateArray().Select(x => x.GetString()!).ToArray());
        }
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
        Assert.Equal(HttpStatusCode.Forbidden, curatorSignIn.StatusCode); // only reviewers sign in to the UI
    }
}
