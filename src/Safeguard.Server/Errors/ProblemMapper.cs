using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Conversations.Model;

namespace Safeguard.Server.Errors;

/// <summary>
/// The one place that turns failures into answers: RFC 9457 problem details
/// (<c>application/problem+json</c>: type, title, status, detail), with the message also as
/// <c>error</c>, the field clients read before problem details. The status comes from the
/// exception's type, never from its message.
/// </summary>
public static class ProblemMapper
{
    /// <summary>The status and caller-facing message of a failure; null for one the caller cannot act on (a 500).</summary>
    public static (int Status, string Detail, TimeSpan? RetryAfter)? Classify(Exception ex) => ex switch
    {
        ServiceException s => (s.Status, s.Message, s.RetryAfter),
        BankException { Kind: BankErrorKind.NotFound } b => (StatusCodes.Status404NotFound, b.Message, null),
        BankException b => (StatusCodes.Status400BadRequest, b.Message, null),
        ConversationFormatException c => (StatusCodes.Status400BadRequest, c.Message, null),
        BadHttpRequestException b => (b.StatusCode, b.Message, null),
        ArgumentException a => (StatusCodes.Status400BadRequest, a.Message, null),
        _ => null,
    };

    /// <summary>A problem-details answer (also written when the request's Accept header names another type).</summary>
    public static IResult Problem(int status, string detail)
    {
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["error"] = detail;
        var result = TypedResults.Problem(problem);
        // ASP.NET fills type and title for the common statuses; RFC 9457's "about:blank" (nothing beyond the status) for the rest, e.g. 413, 429.
        result.ProblemDetails.Type ??= "about:blank";
        return result;
    }

    /// <summary>
    /// Answers a 4xx/5xx that left the pipeline with no body (no route: 404, wrong method: 405) as problem
    /// details, so every error a client gets has the same shape.
    /// </summary>
    public static async Task FillEmptyErrorsAsync(HttpContext ctx, RequestDelegate next)
    {
        await next(ctx);
        var response = ctx.Response;
        if (response.StatusCode < 400 || response.HasStarted || response.ContentLength > 0 || response.ContentType is not null) return;
        var request = ctx.Request;
        string detail = response.StatusCode switch
        {
            404 => $"no route {request.Method} {request.Path}",
            405 => $"{request.Method} is not allowed on {request.Path}" + (response.Headers.Allow is { Count: > 0 } allow ? $" (allowed: {allow})" : ""),
            _ => ReasonPhrases.GetReasonPhrase(response.StatusCode),
        };
        await WriteAsync(ctx, response.StatusCode, detail);
    }

    /// <summary>Writes <see cref="Problem"/>, with Retry-After when given.</summary>
    public static Task WriteAsync(HttpContext ctx, int status, string detail, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } wait)
            ctx.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problem(status, detail).ExecuteAsync(ctx);
    }
}

/// <summary>Answers an exception that escaped an endpoint, through <see cref="ProblemMapper"/>.</summary>
public sealed class ServiceExceptionHandler(ILogger<ServiceExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The client went away: nobody to answer.
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested) return true;
        if (ProblemMapper.Classify(exception) is not { } problem)
        {
            log.LogError(exception, "unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = (StatusCodes.Status500InternalServerError, "internal error", null);
        }
        await ProblemMapper.WriteAsync(httpContext, problem.Status, problem.Detail, problem.RetryAfter);
        return true;
    }
}
