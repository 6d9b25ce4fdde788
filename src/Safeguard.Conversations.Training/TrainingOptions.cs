using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Training;

/// <summary>How to train: folds for cross-validation (which also calibrates the threshold), seed, n-grams and penalties.</summary>
public sealed record TrainingOptions
{
    public int Folds { get; init; } = 5;
    public int Seed { get; init; } = 1;
    public NgramSettings Ngrams { get; init; } = NgramSettings.Default;
    public TrainingSettings Settings { get; init; } = new();

    /// <summary>Recorded as the training time (defaults to now); fixed values make byte-identical files.</summary>
    public DateTimeOffset? TrainedAt { get; init; }
}

/// <summary>The trained model and what training saw along the way.</summary>
public sealed record TrainingResult(ConversationModel Model, IReadOnlyList<string> Warnings);
