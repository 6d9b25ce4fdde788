using Safeguard.Conversations.Analysis;
using Safeguard.Payments.Synthetic;

namespace Safeguard.Payments.Tests.Synthetic;

public class QualityReportTests
{
    private static readonly TruthAccount[] Truth =
    [
        new("p1", FeedGroups.Purchaser, FeedRoles.Purchaser),
        new("p2", FeedGroups.Purchaser, FeedRoles.Purchaser),
        new("p3", FeedGroups.Purchaser, FeedRoles.Purchaser, Hard: true),
        new("p4", FeedGroups.Purchaser, FeedRoles.Purchaser, Hard: true),
        new("f1", FeedGroups.Facilitator, FeedRoles.Facilitator),
        new("f2", FeedGroups.Facilitator, FeedRoles.Facilitator),
        new("s1", FeedGroups.Siblings, FeedRoles.None),
        new("parent", FeedGroups.Siblings, FeedRoles.None),
        new("fam", FeedGroups.FamilyRemittance, FeedRoles.None),
        new("tour", FeedGroups.Tourist, FeedRoles.None),
    ];

    [Fact]
    public void Precision_recall_and_false_positives_by_hand()
    {
        DetectedSubject[] results =
        [
            new("p1", FeedRoles.Purchaser, RiskLevel.Critical),
            new("p1", FeedRoles.Purchaser, RiskLevel.Low),       // duplicate, counts once
            new("p2", FeedRoles.Purchaser, RiskLevel.Medium),    // below the level: a miss
            new("p3", FeedRoles.Purchaser, RiskLevel.High),      // hard one found
            new("s1", FeedRoles.Purchaser, RiskLevel.High),      // sibling flagged: false positive
            new("stranger", FeedRoles.Purchaser, RiskLevel.High), // not in the truth: ordinary
            new("f1", FeedRoles.Facilitator, RiskLevel.High),
            new("parent", FeedRoles.Facilitator, RiskLevel.Critical), // siblings' parent: false positive
            new("p4", FeedRoles.Facilitator, RiskLevel.High),    // right account, wrong role
            new("fam", FeedRoles.Purchaser, RiskLevel.Medium),   // below the level: not counted
        ];
        var q = QualityReport.Compute(Truth, results, RiskLevel.High);

        var p = q.For(FeedRoles.Purchaser);
        Assert.Equal(4, p.Expected);
        Assert.Equal(4, p.Flagged);   // p1, p3, s1, stranger
        Assert.Equal(2, p.Correct);   // p1, p3
        Assert.Equal(0.5, p.Precision, 12);
        Assert.Equal(0.5, p.Recall, 12);
        Assert.Equal(2, p.HardExpected);
        Assert.Equal(1, p.HardFound);

        var f = q.For(FeedRoles.Facilitator);
        Assert.Equal(2, f.Expected);
        Assert.Equal(3, f.Flagged);   // f1, parent, p4
        Assert.Equal(1, f.Correct);
        Assert.Equal(1.0 / 3, f.Precision, 12);
        Assert.Equal(0.5, f.Recall, 12);

        Assert.Equal(2, q.FalsePositivesByGroup[FeedGroups.Siblings]); // s1 and parent
        Assert.Equal(1, q.FalsePositivesByGroup[FeedGroups.Ordinary]);
        Assert.Equal(0, q.FalsePositivesByGroup[FeedGroups.FamilyRemittance]);
        Assert.Equal(0, q.FalsePositivesByGroup[FeedGroups.Tourist]);
        foreach (var g in FeedGroups.HardNegatives) Assert.True(q.FalsePositivesByGroup.ContainsKey(g));
    }

    [Fact]
    public void Lower_level_counts_more_and_nothing_flagged_is_full_precision()
    {
        DetectedSubject[] results =
        [
            new("p2", FeedRoles.Purchaser, RiskLevel.Medium),
            new("fam", FeedRoles.Purchaser, RiskLevel.Medium),
        ];
        var medium = QualityReport.Compute(Truth, results, RiskLevel.Medium);
        Assert.Equal(0.5, medium.For(FeedRoles.Purchaser).Precision, 12);
        Assert.Equal(0.25, medium.For(FeedRoles.Purchaser).Recall, 12);
        Assert.Equal(1, medium.FalsePositivesByGroup[FeedGroups.FamilyRemittance]);

        var critical = QualityReport.Compute(Truth, results, RiskLevel.Critical);
        Assert.Equal(0, critical.For(FeedRoles.Purchaser).Flagged);
        Assert.Equal(1.0, critical.For(FeedRoles.Purchaser).Precision);
        Assert.Equal(0.0, critical.For(FeedRoles.Purchaser).Recall);
        Assert.All(critical.FalsePositivesByGroup.Values, v => Assert.Equal(0, v));
    }
}
