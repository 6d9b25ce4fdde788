using System.Text.Json.Serialization;
using Safeguard.Conversations.Analysis;

namespace Safeguard.Payments.Analysis;

public enum SubjectRole { Purchaser, Facilitator }

/// <summary>One indicator that fired for a subject: its name, strength 0..1, and the transactions behind it.</summary>
public sealed record IndicatorHit(string Name, double Strength, IReadOnlyList<string> Transactions, long Count, string Detail);

/// <summary>A flow from one account to another, summed.</summary>
public sealed record Flow(string From, string To, long Count, double Amount, long FirstTicks, long LastTicks);

/// <summary>An account of concern with its role, score, level and the evidence for it.</summary>
public sealed record Subject(
    string Account,
    SubjectRole Role,
    double Score,
    RiskLevel Level,
    IReadOnlyList<IndicatorHit> Indicators,
    IReadOnlyList<string> Counterparties,
    long FirstTicks,
    long LastTicks,
    string Country)
{
    /// <summary>The flows that tie this subject to its counterparties (for the network view).</summary>
    [JsonIgnore]
    public IReadOnlyList<Flow> Flows { get; init; } = [];

    public static string LevelName(RiskLevel level) => level switch
    {
        RiskLevel.Critical => "critical",
        RiskLevel.High => "high",
        RiskLevel.Medium => "medium",
        RiskLevel.Low => "low",
        _ => "none",
    };

    public static RiskLevel ParseLevel(string name) => name.ToLowerInvariant() switch
    {
        "critical" => RiskLevel.Critical,
        "high" => RiskLevel.High,
        "medium" => RiskLevel.Medium,
        "low" => RiskLevel.Low,
        "none" => RiskLevel.None,
        _ => throw new FormatException($"'{name}' is not a level (low, medium, high, critical)"),
    };

    public static string RoleName(SubjectRole role) => role == SubjectRole.Purchaser ? "purchaser" : "facilitator";
}
