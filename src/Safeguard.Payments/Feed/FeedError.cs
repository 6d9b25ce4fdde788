namespace Safeguard.Payments.Feed;

/// <summary>A row or file that could not be used, named as FILE:LINE (line 0 for the file as a whole).</summary>
public sealed record FeedError(string File, long Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
