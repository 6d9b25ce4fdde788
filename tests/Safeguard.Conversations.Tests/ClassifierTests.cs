using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Classifiers;

namespace Safeguard.Conversations.Tests;

public class ClassifierTests
{
    private sealed class FixedClassifier(double score) : IConversationClassifier
    {
        public string Name => "fixed";
        public List<ClassifierInput> Seen { get; } = [];
        public double Score(ClassifierInput input) { lock (Seen) Seen.Add(input); return score; }
    }

    [Fact]
    public void Model_score_is_blended_and_reported()
    {
        var model = new FixedClassifier(0.9);
        var options = new AnalyzerOptions { Classifier = model };
        var conversation = TestSupport.AdultAndChild("adult: keep this between us", "child: ok");
        var without = new ConversationAnalyzer().Analyze(conversation);
        var with = new ConversationAnalyzer(options).Analyze(conversation);
        Assert.Equal(0.9, with.ModelScore);
        Assert.Equal(without.Score, with.IndicatorScore);
        Assert.True(with.Score > without.Score);
        var input = model.Seen[^1];
        Assert.Equal(ClassifierInput.FeatureNames.Count, input.Features.Count);
        Assert.True(input.Features[(int)IndicatorFamily.Isolation] > 0);
        Assert.Contains("keep this between us", input.RecentMessages);
    }

    [Fact]
    public void Model_alone_cannot_raise_an_alert_without_evidence()
    {
        var options = new AnalyzerOptions { Classifier = new FixedClassifier(1.0) };
        var a = new ConversationAnalyzer(options).Analyze(TestSupport.AdultAndChild("adult: hello", "child: hi"));
        Assert.True(a.Score <= new ScoreCombiner().MaxWithoutIndicators);
    }

    [Theory]
    [InlineData(0.5, null, 0.5)]
    [InlineData(0.5, double.NaN, 0.5)]
    [InlineData(0.9, 0.0, 0.9)]
    public void Combiner_edge_cases(double indicators, double? model, double expected) =>
        Assert.Equal(expected, new ScoreCombiner().Combine(indicators, model, true), 6);
}
