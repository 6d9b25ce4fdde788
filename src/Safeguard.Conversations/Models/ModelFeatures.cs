using Safeguard.Conversations.Classifiers;

namespace Safeguard.Conversations.Models;

/// <summary>The indicator-derived inputs a trained model reads besides n-grams, in this order.</summary>
public static class ModelFeatures
{
    /// <summary>The classifier features, then whether a minor or an adult age was stated, and whether turns have no speakers.</summary>
    public static IReadOnlyList<string> DenseNames { get; } =
        [.. ClassifierInput.FeatureNames, "minor-stated", "adult-stated", "speakerless"];
}
