using Safeguard.Conversations.Analysis;

namespace Safeguard.Payments.Synthetic;

/// <summary>One detector result: a subject, the role it was given, and its level.</summary>
public readonly record struct DetectedSubject(string Subject, string Role, RiskLevel Level);

/// <summary>Precision and recall for one role.</summary>
/// <param name="Expected">Accounts with this true role.</param>
/// <param name="Flagged">Subjects given this role at or above the level.</param>
/// <param name="Correct">Flagged subjects whose true role is this one.</param>
/// <param name="HardExpected">Expected accounts planted to be hard to find.</param>
/// <param name="HardFound">Of those, how many were flagged with this role.</param>
public sealed record RoleQuality(string Role, int Expected, int Flagged, int Correct, int HardExpected, int HardFound)
{
    /// <summary>Correct / flagged; 1 when nothing was flagged (no false alarms).</summary>
    public double Precision => Flagged == 0 ? 1 : (double)Correct / Flagged;

    /// <summary>Correct / expected; 1 when nothing was expected.</summary>
    public double Recall => Expected == 0 ? 1 : (double)Correct / Expected;
}

/// <summary>
/// Detection quality of a scan against a generated feed's ground truth: precision and recall per
/// role at level ≥ a threshold, and the false positives in each hard-negative group (accounts the
/// truth does not list count as <see cref="FeedGroups.Ordinary"/>).
/// </summary>
public sealed record QualityReport(RiskLevel AtLeast, IReadOnlyList<RoleQuality> Roles, IReadOnlyDictionary<string, int> FalsePositivesByGroup)
{
    /// <summary>
    /// Computes the report. A subject listed more than once with one role counts once (its highest
    /// level); a subject flagged with the wrong role is a false positive of that role and, when its
    /// true role is none, of its group.
    /// </summary>
    public static QualityReport Compute(IEnumerable<TruthAccount> truth, IEnumerable<DetectedSubject> results, RiskLevel atLeast)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(results);
        var byAccount = new Dictionary<string, TruthAccount>(StringComparer.Ordinal);
        foreach (var t in truth)
        {
            // An account in several groups keeps its offence role if it has one.
            if (!byAccount.TryGetValue(t.Account, out var known) || known.Role == FeedRoles.None) byAccount[t.Account] = t;
        }
        var flagged = new HashSet<(string Subject, string Role)>();
        foreach (var r in results)
            if (r.Level >= atLeast) flagged.Add((r.Subject, r.Role));

        var roles = new List<RoleQuality>();
        foreach (var role in new[] { FeedRoles.Purchaser, FeedRoles.Facilitator })
        {
            int expected = 0, hardExpected = 0, hardFound = 0, count = 0, correct = 0;
            foreach (var t in byAccount.Values)
            {
                if (t.Role != role) continue;
                expected++;
                if (!t.Hard) continue;
                hardExpected++;
                if (flagged.Contains((t.Account, role))) hardFound++;
            }
            foreach (var (subject, r) in flagged)
            {
                if (r != role) continue;
                count++;
                if (byAccount.TryGetValue(subject, out var t) && t.Role == role) correct++;
            }
            roles.Add(new RoleQuality(role, expected, count, correct, hardExpected, hardFound));
        }

        var falsePositives = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in FeedGroups.HardNegatives) falsePositives[g] = 0;
        falsePositives[FeedGroups.Ordinary] = 0;
        foreach (var subject in flagged.Select(f => f.Subject).Distinct(StringComparer.Ordinal))
        {
            if (!byAccount.TryGetValue(subject, out var t)) falsePositives[FeedGroups.Ordinary]++;
            else if (t.Role == FeedRoles.None) falsePositives[t.Group] = falsePositives.GetValueOrDefault(t.Group) + 1;
        }
        return new QualityReport(atLeast, roles, falsePositives);
    }

    public RoleQuality For(string role) => Roles.First(r => r.Role == role);
}
