namespace Safeguard.Conversations.Analysis;

/// <summary>One indicator found for one participant, with the messages that show it.</summary>
public sealed record IndicatorFinding(
    string Id,
    IndicatorFamily Family,
    string Description,
    string Participant,
    double Strength,
    int Occurrences,
    IReadOnlyList<int> MessageIndices,
    IReadOnlyList<string> MatchedPhrases);

/// <summary>When a stage was first reached, counted from the first message of the conversation.</summary>
public sealed record StageReached(ConversationStage Stage, int MessageIndex, int MessagesFromFirstContact, TimeSpan? TimeFromFirstContact);

/// <summary>A message kept as evidence (text capped at <see cref="MaxTextLength"/> characters).</summary>
public sealed record EvidenceMessage(int Index, string Sender, DateTimeOffset? Timestamp, string Text)
{
    public const int MaxTextLength = 2000;
}

/// <summary>
/// The result for a conversation: a score 0..1 and its level, the indicators with their evidence, the furthest stage
/// reached by the participant of most concern, and the escalation timeline of that participant.
/// </summary>
public sealed record ConversationAnalysis(
    string? ConversationId,
    double Score,
    RiskLevel Level,
    ConversationStage FurthestStage,
    string? FocusParticipant,
    IReadOnlyList<IndicatorFinding> Indicators,
    IReadOnlyList<StageReached> Timeline,
    IReadOnlyList<EvidenceMessage> Evidence,
    int MessageCount,
    double IndicatorScore,
    double? ModelScore,
    IReadOnlyList<string> Warnings)
{
    /// <summary>With a trained Safeguard model: why it scored as it did.</summary>
    public ModelExplanation? Model { get; init; }
}

/// <summary>
/// What a trained model saw: its probability and threshold, the terms present that raised the score most, and the
/// messages whose terms added most when they arrived (these are also in <see cref="ConversationAnalysis.Evidence"/>).
/// </summary>
public sealed record ModelExplanation(string Name, double Probability, double Threshold, IReadOnlyList<Models.ModelTerm> TopTerms,
    IReadOnlyList<int> MessageIndices);

/// <summary>The cheap result of adding one message to a stream.</summary>
public readonly record struct RiskUpdate(int MessageIndex, double Score, RiskLevel Level, ConversationStage FurthestStage, int NewIndicators);
