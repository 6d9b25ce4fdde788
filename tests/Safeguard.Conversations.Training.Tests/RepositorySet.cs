using Safeguard.Conversations.Training;

namespace Safeguard.Conversations.Training.Tests;

/// <summary>The repository's labelled evaluation set, read once.</summary>
internal static class RepositorySet
{
    public static string Directory { get; } = Path.Combine(Repository.Root, "data", "conversations", "eval");

    private static readonly Lazy<IReadOnlyList<LabelledConversation>> Items = new(() => TrainingSetReader.ReadAll([Directory]).Items);

    public static IReadOnlyList<LabelledConversation> All => Items.Value;

    public static TrainingOptions Options(int seed = 1) =>
        new() { Folds = 5, Seed = seed, TrainedAt = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero) };
}
