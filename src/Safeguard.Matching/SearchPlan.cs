namespace Safeguard.Matching;

/// <summary>
/// Which slices a segment probes for one threshold, and with how many flips each.
/// Exactness: if a hash is within r of the query and every probed slice i with flip budget t_i
/// differed in more than t_i bits (unprobed slices count as t_i = -1), the distance would be at
/// least the sum of (t_i + 1), which the plan makes larger than r. So some probed slice finds it.
/// </summary>
internal sealed class SearchPlan
{
    // Rough per-operation costs in nanoseconds; only their ratios matter for choosing a plan.
    private const double ProbeCost = 25;      // directory read + a random postings line
    private const double PostingCost = 1;     // one posting compared inside a bucket
    private const double CandidateCost = 15;  // random read of a full hash + popcount
    private const double ScanCost = 1.2;      // one hash of a sequential scan (memory-bound, ~25 GB/s)

    public readonly bool BruteForce;
    /// <summary>Probed slices, in probe order.</summary>
    public readonly int[] Slices;
    /// <summary>Flip budget of each probed slice.</summary>
    public readonly int[] Flips;
    public readonly double EstimatedCost;

    private SearchPlan(bool bruteForce, int[] slices, int[] flips, double cost)
    {
        BruteForce = bruteForce; Slices = slices; Flips = flips; EstimatedCost = cost;
    }

    /// <param name="allowBruteForce">False only in tests, to exercise the probe path at every threshold.</param>
    public static SearchPlan Create(int threshold, int count, int directoryBits, SliceLayout layout, bool allowBruteForce = true)
    {
        double bruteCost = allowBruteForce ? count * ScanCost : double.PositiveInfinity;
        int m = layout.Count;
        var flips = new int[m];
        Array.Fill(flips, -1);
        double cost = 0;
        // Greedy on marginal cost: each step raises one slice's budget by one until the budgets
        // cover threshold + 1. Marginal costs grow with the budget, so greedy is optimal here.
        for (int step = 0; step <= threshold; step++)
        {
            int best = -1;
            double bestCost = double.PositiveInfinity;
            for (int s = 0; s < m; s++)
            {
                double c = MarginalCost(flips[s] + 1, layout.Widths[s], count, directoryBits);
                if (c < bestCost) { bestCost = c; best = s; }
            }
            if (best < 0 || cost + bestCost > bruteCost) return BruteForcePlan(count * ScanCost);
            flips[best]++;
            cost += bestCost;
        }
        var slices = new List<int>();
        var budgets = new List<int>();
        for (int s = 0; s < m; s++)
        {
            if (flips[s] < 0) continue;
            slices.Add(s);
            budgets.Add(flips[s]);
        }
        return new SearchPlan(false, slices.ToArray(), budgets.ToArray(), cost);
    }

    private static SearchPlan BruteForcePlan(double cost) => new(true, [], [], cost);

    private static double MarginalCost(int flips, int width, int count, int directoryBits)
    {
        if (flips > FlipMasks.MaxFlips) return double.PositiveInfinity;
        double probes = FlipMasks.Choose(directoryBits, flips);
        double perBucket = count / Math.Pow(2, directoryBits);
        double candidates = FlipMasks.Choose(width, flips) * count / Math.Pow(2, width);
        return probes * (ProbeCost + perBucket * PostingCost) + candidates * CandidateCost;
    }
}
