using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Evaluation;

namespace Safeguard.Conversations.Tests;

/// <summary>The labelled set in the repository: its shape, and the targets the analyser must meet on it.</summary>
public class EvaluationSetTests
{
    private static readonly string[] SplitNames = ["tuning", "heldout"];

    private static readonly List<(string File, Model.Conversation Conversation, Model.ConversationLabel Label)> Set =
        [.. Evaluator.LoadSet(TestSupport.EvalDirectory)];

    [Fact]
    public void Set_is_large_varied_and_split()
    {
        Assert.True(Set.Count >= 150);
        Assert.All(Set, s => Assert.Contains(s.Label.Split, SplitNames));
        Assert.All(Set, s => Assert.Equal(s.Label.Split, Path.GetDirectoryName(s.File)));
        Assert.True(Set.Count(s => s.Label.Split == "heldout") >= 40);
        Assert.All(Set.Where(s => s.Label.IsRisk), s => Assert.InRange(s.Label.FirstRiskIndex ?? -1, 0, s.Conversation.Messages.Count - 1));
        string[] categories = ["teen-chat", "parent-child", "teacher-pupil", "adult-flirting", "gaming-banter", "grooming", "sextortion"];
        Assert.All(categories, c => Assert.True(Set.Count(s => s.Label.Category == c) >= 10, c));
    }

    [Fact]
    public void Meets_the_precision_weighted_target_and_catches_sextortion_by_the_first_threat()
    {
        var evaluator = new Evaluator(RiskLevel.High);
        var cases = Set.Select(s => evaluator.Evaluate(s.File, s.Conversation, s.Label)).ToList();
        var all = EvaluationMetrics.Of(cases);
        Assert.True(all.F05 >= 0.9, $"F0.5 {all.F05:0.000}");
        Assert.True(all.Precision >= 0.95, $"precision {all.Precision:0.000}");
        var sextortion = cases.Where(c => c.Label.Category == "sextortion" && c.Delay is not null).ToList();
        Assert.NotEmpty(sextortion);
        Assert.All(sextortion, c => Assert.True(c.Delay <= 0, $"{c.File} detected {c.Delay} messages after the first threat"));
    }
}
