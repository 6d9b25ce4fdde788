namespace Safeguard.Server.Statistics;

/// <summary>What <c>GET /v1/stats</c> answers: the numbers hotlines publish, for a range of UTC days.</summary>
public sealed record StatsReport(
    string From,
    string To,
    StatsTotals Totals,
    IReadOnlyList<DayCounts> ItemsPerDay,
    IReadOnlyList<DayCounts> DecisionsPerDay,
    IReadOnlyList<NamedCount> MatchesByBank,
    IReadOnlyList<NamedCount> ConfirmedByCategory,
    DecisionTimes TimeToDecision,
    IReadOnlyList<ReviewerExposure> Exposure);

/// <summary>
/// Items received in the range; decisions made in it (an item keeps only its latest decision, so an
/// escalation counts while the item awaits its final decision, which then replaces it); items that
/// matched a bank; media views; items awaiting review now.
/// </summary>
public sealed record StatsTotals(long Items, long MatchedItems, long Confirmed, long FalsePositive, long Escalated,
    long ClearViews, long BlurredViews, long AwaitingReviewNow);

/// <summary>One UTC day: the total and its split (by kind, or by decision). Every day of the range has a row.</summary>
public sealed record DayCounts(string Day, long Total, IReadOnlyDictionary<string, long> By);

public sealed record NamedCount(string Name, long Count);

/// <summary>
/// Seconds from an item's arrival to its final decision (confirmed or false positive), over the items
/// decided in the range; percentiles by nearest rank (the value at position ceil(p × n) in sorted order).
/// </summary>
public sealed record DecisionTimes(long Decided, double? MedianSeconds, double? P90Seconds);

/// <summary>Media views one reviewer had in the range, from the audit log (media.view.clear and media.view.blurred).</summary>
public sealed record ReviewerExposure(string Reviewer, long ClearViews, long BlurredViews);
