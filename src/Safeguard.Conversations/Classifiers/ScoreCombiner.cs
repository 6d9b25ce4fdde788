namespace Safeguard.Conversations.Classifiers;

/// <summary>
/// Blends the indicator score with a model score. The model can raise or lower the score by at most its weight,
/// so a model alone cannot push a conversation with no indicators above <see cref="MaxWithoutIndicators"/>:
/// moderators always get evidence with an alert.
/// </summary>
public sealed record ScoreCombiner(double ModelWeight = 0.35, double MaxWithoutIndicators = 0.55)
{
    public double Combine(double indicatorScore, double? modelScore, bool hasIndicators)
    {
        if (modelScore is not { } model || double.IsNaN(model)) return indicatorScore;
        model = Math.Clamp(model, 0, 1);
        var weight = Math.Clamp(ModelWeight, 0, 1);
        var combined = (1 - weight) * indicatorScore + weight * model;
        // Strong rule evidence is not diluted by a model that missed it.
        combined = Math.Max(combined, indicatorScore >= 0.85 ? indicatorScore : 0);
        return hasIndicators ? combined : Math.Min(combined, MaxWithoutIndicators);
    }
}
