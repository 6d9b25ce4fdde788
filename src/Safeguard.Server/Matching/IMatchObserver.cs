namespace Safeguard.Server.Matching;

/// <summary>Hears every match a lookup returns, on the request's thread: must be cheap and must not throw.</summary>
public interface IMatchObserver
{
    void Matched(IReadOnlyList<Engine.Matching.Match> matches);
}
