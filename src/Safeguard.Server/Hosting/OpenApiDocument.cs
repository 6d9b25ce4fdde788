using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Safeguard.Server.Auth;
using Safeguard.Server.Endpoints;

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
        // Null members are left out of answers, so a nullable member is never a required one.
        o.AddSchemaTransformer((schema, _, _) =>
        {
            if (schema.Properties is { } props && schema.Required is { } required)
                foreach (var (name, prop) in props)
                    if (prop.Type is { } t && t.HasFlag(JsonSchemaType.Null)) required.Remove(name);
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(async (op, ctx, ct) =>
        {
            var metadata = ctx.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<DocumentedBody>().LastOrDefault() is { } body) op.RequestBody = await RequestBodyAsync(body, ctx, ct);
            if (metadata.OfType<Anonymous>().Any()) return;
            var roles = metadata.OfType<RequireRoles>().LastOrDefault()?.Roles ?? [Roles.Admin];
            op.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            op.Extensions["x-roles"] = new JsonNodeExtension(roles.Length == Roles.All.Length
                ? new JsonArray("any") : new JsonArray(roles.Select(r => (JsonNode)r!).ToArray()));
            op.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, ctx.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, ctx.Document)] = [] },
            ];
        });
    }

    private static async Task<OpenApiRequestBody> RequestBodyAsync(DocumentedBody body, OpenApiOperationTransformerContext ctx, CancellationToken ct)
    {
        bool binary = body.Type == typeof(IFormFile) || body.Type == typeof(Stream);
        IOpenApiSchema schema = binary ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } : await ctx.GetOrCreateSchemaAsync(body.Type, null, ct);
        var content = new Dictionary<string, OpenApiMediaType>();
        foreach (var type in body.ContentTypes)
            content[type] = new OpenApiMediaType
            {
                Schema = type == "multipart/form-data"
                    ? new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = schema } }
                    : schema,
            };
        return new OpenApiRequestBody { Required = true, Content = content };
    }

    /// <summary>Serves the document; it describes its own route too, so the document lists every route the server maps.</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapOpenApi(Route).Roles(Roles.All).WithSummary("This document").Add(b =>
        {
            for (int i = b.Metadata.Count - 1; i >= 0; i--)
                if (b.Metadata[i] is Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata) b.Metadata.RemoveAt(i);
        });
}
