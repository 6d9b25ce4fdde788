namespace Safeguard.Exchanges;

/// <summary>
/// A fetch or a configuration failed for a reason worth showing on the exchange's status (bad
/// settings, an upstream error, a malformed or badly signed page). The checkpoint does not move.
/// </summary>
public class ExchangeException : Exception
{
    public ExchangeException(string message) : base(message) { }
    public ExchangeException(string message, Exception inner) : base(message, inner) { }
    public ExchangeException() { }

    /// <summary>Worth retrying later (network error, 429, 5xx); false for errors only a person can fix (bad key, bad signature).</summary>
    public bool Transient { get; init; }

    /// <summary>When the upstream asked us to come back (Retry-After), if it did.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
