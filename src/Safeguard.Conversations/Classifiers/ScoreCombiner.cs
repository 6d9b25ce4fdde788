namespace Safeguard.Conversations.Classifiers;

/// <summary>
/// Blends the indicator score with a model score. The model can raise or lower the score by at most its weight,
/// so a model alone cannot push a conversation with no indicators above <see cref="MaxWithoutIndicators"/>:
/// moderators always get evidence with an alert.
/// </summary>
public sealed record ScoreCombiner(double ModelWeight = 0.35, double MaxWithoutIndicators = 0.55)
{
    /// <summary>Indicator scores at or above this are strong rule evidence that no model lowers.</summary>
    public const double StrongIndicatorScore = 0.85;

    public double Combine(double indicatorScore, double? modelScore, bool hasIndicators)
    {
        if (modelScore is not { } model || double.IsNaN(model)) return indicatorScore;
        model = Math.Clamp(model, 0, 1);
        var weight = Math.Clamp(ModelWeight, 0, 1);
        var combined = (1 - weight) * indicatorScore + weight * model;
        // Strong rule evidence is not diluted by a model that missed it.
        combined = Math.Max(combined, indicatorScore >= StrongIndicatorScore ? indicatorScore : 0);
        return hasIndicators ? combined : Math.Min(combined, MaxWithoutIndicators);
    }

    /// <summary>
    /// Combines a trained model whose decision threshold was calibrated: the probability is mapped so that the
    /// threshold lands on the <paramref name="highLevel"/> boundary, and the model then decides, within three rules.
    /// Strong coercion evidence (threats, demands at a critical indicator score) is never lowered, since sextortion is
    /// often missing from training data; grooming language the model has learned to weigh itself. With no evidence at all (no indicator and no
    /// message that raised the model score) the score stays below the alert levels; and between participants who are
    /// all known adults, with no minor anywhere, only coercion can lift it that far (adults' consensual talk).
    /// </summary>
    public double CombineCalibrated(double indicatorScore, double probability, double threshold, double highLevel,
        bool hasEvidence, bool adultsOnly, bool coercion)
    {
        if (double.IsNaN(probability)) return indicatorScore;
        probability = Math.Clamp(probability, 0, 1);
        var model = probability < threshold
            ? highLevel * probability / threshold
            : highLevel + (1 - highLevel) * (probability - threshold) / Math.Max(1e-9, 1 - threshold);
        if (!hasEvidence || adultsOnly && !coercion) model = Math.Min(model, MaxWithoutIndicators);
        return indicatorScore >= StrongIndicatorScore && coercion ? Math.Max(model, indicatorScore) : model;
    }
}
