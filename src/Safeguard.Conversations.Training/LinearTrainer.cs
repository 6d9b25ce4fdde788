using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Training;

/// <summary>
/// Fits the linear model with ML.NET's L-BFGS logistic regression (L1 and L2 penalties, one thread so a seed gives
/// the same model every time). Classes are balanced with example weights. The vector is laid out as the run-time
/// scorer reads it: TF-IDF word block and character block, each L2-normalised, then the indicator features.
/// </summary>
internal sealed class LinearTrainer(NgramSettings ngrams, TrainingSettings settings, int seed, string language)
{
    private sealed class Row
    {
        public bool Label { get; set; }
        public float Weight { get; set; }
        public VBuffer<float> Features { get; set; }
    }

    public ConversationModel Fit(IReadOnlyList<ExtractedConversation> training, IReadOnlyDictionary<ulong, (string Term, NgramKind Kind)> terms)
    {
        var vocabulary = Vocabulary.Build(training, settings);
        var kinds = vocabulary.Hashes.Select(h => terms[h].Kind).ToArray();
        var denseCount = ModelFeatures.DenseNames.Count;
        var dimension = vocabulary.Count + denseCount;
        var positives = training.Count(c => c.Source.IsRisk);
        var negatives = training.Count - positives;
        float positiveWeight = 1, negativeWeight = 1;
        if (settings.BalanceClasses && positives > 0 && negatives > 0)
        {
            positiveWeight = (float)(training.Count / (2.0 * positives));
            negativeWeight = (float)(training.Count / (2.0 * negatives));
        }
        var rows = training.Select(c => new Row
        {
            Label = c.Source.IsRisk,
            Weight = c.Source.IsRisk ? positiveWeight : negativeWeight,
            Features = Vectorize(c, vocabulary, kinds, dimension),
        }).ToList();

        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            ExampleWeightColumnName = nameof(Row.Weight),
            L1Regularization = (float)settings.L1,
            L2Regularization = (float)settings.L2,
            NumberOfThreads = 1,
            OptimizationTolerance = 1e-7f,
            HistorySize = 20,
            MaximumNumberOfIterations = 1000,
        });
        var fitted = trainer.Fit(data);
        _last = (ml, fitted, vocabulary, kinds, dimension, schema);
        var linear = fitted.Model.SubModel;
        var calibrator = fitted.Model.Calibrator;
        // ML.NET's probability is 1 / (1 + exp(slope * score + offset)); fold it into the weights and bias.
        var scale = -calibrator.Slope;
        var weights = linear.Weights;

        var keptTerms = new List<string>();
        var keptKinds = new List<NgramKind>();
        var keptWeights = new List<float>();
        var keptIdf = new List<float>();
        for (var i = 0; i < vocabulary.Count; i++)
        {
            var w = weights[i];
            if (w == 0) continue;
            keptTerms.Add(terms[vocabulary.Hashes[i]].Term);
            keptKinds.Add(kinds[i]);
            keptWeights.Add((float)(scale * w));
            keptIdf.Add(vocabulary.Idf[i]);
        }
        var dense = new float[denseCount];
        for (var d = 0; d < denseCount; d++) dense[d] = (float)(scale * weights[vocabulary.Count + d]);
        var bias = scale * linear.Bias - calibrator.Offset;
        return new ConversationModel(language, ngrams, [.. keptTerms], [.. keptKinds], [.. keptWeights], [.. keptIdf],
            ModelFeatures.DenseNames, dense, bias, threshold: 0.5, settings, training: null, crossValidation: null);
    }

    private (MLContext Ml, ITransformer Model, Vocabulary Vocabulary, NgramKind[] Kinds, int Dimension, SchemaDefinition Schema)? _last;

    private sealed class Scored
    {
        public float Probability { get; set; }
    }

    /// <summary>ML.NET's own probabilities from the last fit, for checking the run-time scorer against it.</summary>
    internal float[] MlNetProbabilities(IReadOnlyList<ExtractedConversation> items)
    {
        var (ml, model, vocabulary, kinds, dimension, schema) = _last ?? throw new InvalidOperationException("nothing fitted yet");
        var rows = items.Select(c => new Row { Label = c.Source.IsRisk, Weight = 1, Features = Vectorize(c, vocabulary, kinds, dimension) });
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows, schema));
        return [.. ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false).Select(s => s.Probability)];
    }

    /// <summary>The feature vector of one conversation: TF-IDF with log counts, each n-gram block L2-normalised.</summary>
    internal static VBuffer<float> Vectorize(ExtractedConversation c, Vocabulary vocabulary, NgramKind[] kinds, int dimension)
    {
        var entries = new List<(int Index, double Value)>(c.Counts.Count);
        double wordSquares = 0, charSquares = 0;
        foreach (var (hash, count) in c.Counts)
        {
            if (!vocabulary.TryIndex(hash, out var index)) continue;
            var value = vocabulary.Idf[index] * Math.Log(1 + count);
            entries.Add((index, value));
            if (kinds[index] == NgramKind.Word) wordSquares += value * value;
            else charSquares += value * value;
        }
        var wordNorm = Math.Sqrt(wordSquares);
        var charNorm = Math.Sqrt(charSquares);
        entries.Sort((a, b) => a.Index.CompareTo(b.Index));
        var indices = new int[entries.Count + c.Dense.Length];
        var values = new float[indices.Length];
        for (var i = 0; i < entries.Count; i++)
        {
            indices[i] = entries[i].Index;
            values[i] = (float)(entries[i].Value / (kinds[entries[i].Index] == NgramKind.Word ? wordNorm : charNorm));
        }
        for (var d = 0; d < c.Dense.Length; d++)
        {
            indices[entries.Count + d] = vocabulary.Count + d;
            values[entries.Count + d] = c.Dense[d];
        }
        return new VBuffer<float>(dimension, indices.Length, values, indices);
    }
}
