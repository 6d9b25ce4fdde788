using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Safeguard.Server.Auth;

namespace Safeguard.Server.Hosting;

/// <summary>
/// The OpenAPI 3.1 document, generated from the mapped endpoints (their parameters, declared bodies
/// and answers) at <see cref="Route"/>; each keyed operation names the roles it needs in <c>x-roles</c>
/// and the two ways to send a key (Authorization: Bearer, X-API-Key).
/// </summary>
internal static class OpenApiDocument
{
    public const string Route = "/openapi.json";
    public const string Bearer = "bearer", ApiKey = "apiKey";

    public static void Configure(OpenApiOptions o)
    {
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new OpenApiInfo
            {
                Title = "Safeguard", Version = "1",
                Description = "Hash matching against banks, review queue, reports, and Hasher-Matcher-Actioner compatible routes. " +
                              "Errors are RFC 9457 problem details (application/problem+json) with the message also in `error`.",
            };
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [Bearer] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "Authorization: Bearer KEY" },
                [ApiKey] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-API-Key", Description = "X-API-Key: KEY" },
            };
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((op, ctx, _) =>
        {
            var metadata = ctx.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<Anonymous>().Any()) return Task.CompletedTask;
            var roles = metadata.OfType<RequireRoles>().LastOrDefault()?.Roles ?? [Roles.Admin];
            op.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            op.Extensions["x-roles"] = new JsonNodeExtension(roles.Length == Roles.All.Length
                ? new JsonArray("any") : new JsonArray(roles.Select(r => (JsonNode)r!).ToArray()));
            op.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, ctx.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, ctx.Document)] = [] },
            ];
            return Task.CompletedTask;
        });
    }

    /// <summary>Serves the document; it describes its own route too, so the document lists every route the server maps.</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapOpenApi(Route).Roles(Roles.All).WithSummary("This document").Add(b =>
        {
            for (int i = b.Metadata.Count - 1; i >= 0; i--)
                if (b.Metadata[i] is Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata) b.Metadata.RemoveAt(i);
        });
}
