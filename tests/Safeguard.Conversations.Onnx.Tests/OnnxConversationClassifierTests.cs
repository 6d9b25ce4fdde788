using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Classifiers;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Onnx.Tests;

public class OnnxConversationClassifierTests
{
    private static readonly int FeatureCount = ClassifierInput.FeatureNames.Count;

    [Fact]
    public void Scores_features_with_a_generated_logistic_model()
    {
        var weights = new float[FeatureCount];
        weights[(int)IndicatorFamily.Isolation] = 4f;
        using var model = new OnnxConversationClassifier(TinyOnnxModel.Logistic(weights, -2f));

        var features = new float[FeatureCount];
        Assert.Equal(1 / (1 + Math.Exp(2)), model.Score(new ClassifierInput(features, [])), 5);
        features[(int)IndicatorFamily.Isolation] = 1f;
        Assert.Equal(1 / (1 + Math.Exp(-2)), model.Score(new ClassifierInput(features, [])), 5);
    }

    [Fact]
    public void Plugs_into_the_analyser_and_moves_the_score()
    {
        var weights = Enumerable.Repeat(3f, FeatureCount).ToArray();
        using var model = new OnnxConversationClassifier(TinyOnnxModel.Logistic(weights, -1f));
        var conversation = new Conversation("c", [new Participant("a"), new Participant("b", DeclaredAge: 13)],
            [new ChatMessage("a", null, "keep this between us"), new ChatMessage("b", null, "ok")]);
        var plain = new ConversationAnalyzer().Analyze(conversation);
        var combined = new ConversationAnalyzer(new AnalyzerOptions { Classifier = model }).Analyze(conversation);
        Assert.NotNull(combined.ModelScore);
        Assert.InRange(combined.ModelScore!.Value, 0.5, 1);
        Assert.Equal(plain.Score, combined.IndicatorScore);
        Assert.True(combined.Score > plain.Score);
    }

    [Fact]
    public void Rejects_garbage_and_mismatched_models_clearly()
    {
        Assert.Throws<ArgumentException>(() => new OnnxConversationClassifier([1, 2, 3, 4]));
        var tooWide = TinyOnnxModel.Logistic(new float[FeatureCount + 5], 0);
        var ex = Assert.Throws<ArgumentException>(() => new OnnxConversationClassifier(tooWide));
        Assert.Contains("features", ex.Message);
        Assert.Throws<ArgumentException>(() => new OnnxConversationClassifier(TinyOnnxModel.Logistic(new float[3], 0), OnnxInputKind.Text));
    }
}
