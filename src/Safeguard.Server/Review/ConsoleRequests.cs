namespace Safeguard.Server.Review;

/// <summary>POST /v1/review/items/{id}/assign: the reviewer's key id.</summary>
public sealed record AssignRequest(long? KeyId);

/// <summary>POST /v1/review/batch-decision: confirm verified exact hits without viewing them.</summary>
public sealed record BatchDecisionRequest(IReadOnlyList<long>? Ids, string? Category, string? Note);

/// <summary>POST .../media/clear with a body: only this region (fractions 0..1 of width and height) is shown clear.</summary>
public sealed record RegionRequest(double? X, double? Y, double? Width, double? Height);

/// <summary>POST /v1/review/wellness: what the console showed or the reviewer chose (recorded in the audit log).</summary>
public sealed record WellnessRequest(string? Event, string? Detail)
{
    public static readonly string[] Events = ["break_suggested", "break_taken", "break_dismissed", "session_summary"];
}

/// <summary>What a reviewer did since a time: the end-of-session summary.</summary>
public sealed record SessionSummary(DateTimeOffset Since, double Minutes, long Decisions, long ClearViews, long BlurredViews, long BreaksTaken);
