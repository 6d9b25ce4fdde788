namespace Safeguard.Server.Errors;

/// <summary>
/// A failure the caller can act on, thrown where the condition is known. The kind of failure is the
/// type; <see cref="ProblemMapper"/> turns it into an RFC 9457 problem-details answer with <see cref="Status"/>.
/// </summary>
public abstract class ServiceException(string message, Exception? inner = null) : Exception(message, inner)
{
    public abstract int Status { get; }

    /// <summary>Sent as Retry-After (whole seconds) when set.</summary>
    public virtual TimeSpan? RetryAfter => null;
}

/// <summary>The request is malformed or names a value out of range (400).</summary>
public sealed class ValidationException(string message, Exception? inner = null) : ServiceException(message, inner)
{
    public override int Status => StatusCodes.Status400BadRequest;
}

/// <summary>The caller may not do this, whatever its key's roles (403).</summary>
public sealed class ForbiddenException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status403Forbidden;
}

/// <summary>The named thing does not exist (404).</summary>
public sealed class NotFoundException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status404NotFound;
}

/// <summary>The request contradicts the current state: already decided, already exists, chain broken (409).</summary>
public sealed class ConflictException(string message, Exception? inner = null) : ServiceException(message, inner)
{
    public override int Status => StatusCodes.Status409Conflict;
}

/// <summary>What was asked for existed but is no longer held (410).</summary>
public sealed class GoneException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status410Gone;
}

/// <summary>The body is over a size limit (413).</summary>
public sealed class PayloadTooLargeException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status413PayloadTooLarge;
}

/// <summary>The body is not of a type the route takes: not JSON, not a decodable image (415).</summary>
public sealed class UnsupportedMediaException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status415UnsupportedMediaType;
}

/// <summary>The media is of the right kind but cannot be processed: a video that does not decode (422).</summary>
public sealed class UnprocessableMediaException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status422UnprocessableEntity;
}

/// <summary>A per-caller limit is reached: the exposure cap on clear views (429).</summary>
public sealed class LimitExceededException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status429TooManyRequests;
}

/// <summary>The server has no capacity for this now; the caller should retry (503).</summary>
public sealed class ServiceBusyException(string message, TimeSpan? retryAfter = null) : ServiceException(message)
{
    public override int Status => StatusCodes.Status503ServiceUnavailable;
    public override TimeSpan? RetryAfter => retryAfter;
}

/// <summary>Work on the request's media took longer than its time limit (504).</summary>
public sealed class ProcessingTimeoutException(string message) : ServiceException(message)
{
    public override int Status => StatusCodes.Status504GatewayTimeout;
}
