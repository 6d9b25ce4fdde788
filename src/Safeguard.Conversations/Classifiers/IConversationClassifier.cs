namespace Safeguard.Conversations.Classifiers;

/// <summary>
/// A trained model that scores a conversation 0..1. It sees the indicator features of the participant of most concern
/// and the normalised text of that participant's recent messages. Implementations must be thread-safe.
/// </summary>
public interface IConversationClassifier
{
    /// <summary>A short name shown in explanations.</summary>
    string Name { get; }

    double Score(ClassifierInput input);
}

/// <summary>What a classifier sees. <see cref="Features"/> follows the order of <see cref="FeatureNames"/>.</summary>
public sealed record ClassifierInput(IReadOnlyList<float> Features, IReadOnlyList<string> RecentMessages)
{
    /// <summary>Family strengths 0..1, then stage count / 6, the speed bonus, the age-gap flag, and log messages.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "trust-building", "risk-assessment", "isolation", "requests", "sexualisation", "coercion",
        "age-gap", "stages", "speed", "new-account", "log-messages",
    ];
}
