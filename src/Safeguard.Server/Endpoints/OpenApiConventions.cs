namespace Safeguard.Server.Endpoints;

/// <summary>How a route's body and answers are described in the generated OpenAPI document.</summary>
/// <summary>
/// Endpoint metadata for the OpenAPI document only: the body a handler reads itself. (Accepts metadata
/// would also make routing refuse other content types before the handler could answer them.)
/// </summary>
public sealed record DocumentedBody(Type Type, string[] ContentTypes);

internal static class OpenApiConventions
{
    /// <summary>A file as multipart form data (field "file"; HMA routes name it after the content type) or as the raw body.</summary>
    public static RouteHandlerBuilder AcceptsUpload(this RouteHandlerBuilder b) =>
        b.WithMetadata(new DocumentedBody(typeof(IFormFile), ["multipart/form-data", "application/octet-stream"]));

    /// <summary>A JSON body, read by the handler itself so malformed JSON gets the API's own 400.</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder b) where T : notnull =>
        b.WithMetadata(new DocumentedBody(typeof(T), ["application/json"]));

    /// <summary>A body streamed as it comes (bulk import).</summary>
    public static RouteHandlerBuilder AcceptsStream(this RouteHandlerBuilder b) =>
        b.WithMetadata(new DocumentedBody(typeof(Stream), ["application/octet-stream"]));

    /// <summary>A 200 JSON answer of type T plus the problem-details answers every keyed route can give.</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder b, int status = StatusCodes.Status200OK) =>
        b.Produces<T>(status).Problems();

    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder b) =>
        b.ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
         .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests)
         .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
