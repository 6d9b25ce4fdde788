using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace Safeguard.Conversations.Training;

/// <summary>
/// The naive approach to compare against: ML.NET's own bag-of-words featuriser (word unigrams, L2-normalised) and
/// L-BFGS logistic regression with an L2 penalty of 1 (the common default, as in scikit-learn's C = 1), flagging at probability 0.5. It sees the raw text only.
/// </summary>
public static class BagOfWordsBaseline
{
    private sealed class Row
    {
        public bool Label { get; set; }
        public string Text { get; set; } = "";
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
    }

    public static bool[] TrainAndPredict(IReadOnlyList<LabelledConversation> training, IReadOnlyList<LabelledConversation> test, int seed)
    {
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(training.Select(ToRow));
        var pipeline = ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, UseAllLengths = true },
                CharFeatureExtractor = null,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, nameof(Row.Text))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = nameof(Row.Label),
                FeatureColumnName = "Features",
                L1Regularization = 0,
                L2Regularization = 1,
                NumberOfThreads = 1,
            }));
        var model = pipeline.Fit(data);
        var predictions = model.Transform(ml.Data.LoadFromEnumerable(test.Select(ToRow)));
        return [.. ml.Data.CreateEnumerable<Prediction>(predictions, reuseRowObject: false).Select(p => p.PredictedLabel)];
    }

    private static Row ToRow(LabelledConversation c) =>
        new() { Label = c.IsRisk, Text = string.Join(' ', c.Conversation.Messages.Select(m => m.Text)) };
}
