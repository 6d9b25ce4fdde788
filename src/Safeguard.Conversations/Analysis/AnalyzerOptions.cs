using Safeguard.Conversations.Classifiers;
using Safeguard.Conversations.Lexicons;

namespace Safeguard.Conversations.Analysis;

/// <summary>Score boundaries between risk levels.</summary>
public sealed record RiskThresholds(double Low = 0.2, double Medium = 0.4, double High = 0.6, double Critical = 0.85)
{
    public RiskLevel LevelOf(double score) =>
        score >= Critical ? RiskLevel.Critical
        : score >= High ? RiskLevel.High
        : score >= Medium ? RiskLevel.Medium
        : score >= Low ? RiskLevel.Low
        : RiskLevel.None;
}

public sealed record AnalyzerOptions
{
    public static AnalyzerOptions Default { get; } = new();

    public LexiconSet Lexicons { get; init; } = LexiconSet.Default;
    public RiskThresholds Thresholds { get; init; } = new();

    /// <summary>An optional trained model whose score is blended with the indicator score.</summary>
    public IConversationClassifier? Classifier { get; init; }
    public ScoreCombiner Combiner { get; init; } = new();

    /// <summary>A model trained by <c>safeguard chat train</c>; it takes the place of <see cref="Classifier"/>.</summary>
    public Models.ConversationModel? Model { get; init; }

    /// <summary>How many messages of one indicator are kept as evidence; bounds memory on long conversations.</summary>
    public int MaxEvidencePerIndicator { get; init; } = 5;

    /// <summary>Accounts younger than this many days add to the score once requests start.</summary>
    public int NewAccountDays { get; init; } = 30;
}
