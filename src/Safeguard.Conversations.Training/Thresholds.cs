using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Training;

/// <summary>Chooses the decision threshold that maximises F0.5 (precision weighs more than recall) on scored examples.</summary>
internal static class Thresholds
{
    public const double Fallback = 0.5;

    /// <summary>The best cut, placed halfway between the lowest flagged score and the next score below it.</summary>
    public static double BestF05(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var positives = labels.Count(l => l);
        if (positives == 0 || order.Length == 0) return Fallback;
        int tp = 0, fp = 0;
        var best = 0.0;
        var bestCut = Fallback;
        for (var k = 0; k < order.Length; k++)
        {
            if (labels[order[k]]) tp++; else fp++;
            // Only cut between distinct scores: equal scores are flagged together.
            if (k + 1 < order.Length && scores[order[k + 1]] == scores[order[k]]) continue;
            var f = new BinaryMetrics(order.Length, positives, tp, fp, positives - tp).F05;
            if (f <= best) continue;
            best = f;
            var below = k + 1 < order.Length ? scores[order[k + 1]] : 0;
            bestCut = (scores[order[k]] + below) / 2;
        }
        return Math.Clamp(bestCut, 1e-6, 1 - 1e-6);
    }
}
