namespace Safeguard.Conversations.Models;

/// <summary>
/// A trained linear model over n-grams of the whole conversation plus the indicator features. The n-gram part is two
/// blocks (words, characters), each TF-IDF weighted with sublinear counts and L2-normalised, so it can be updated one
/// message at a time. Immutable and thread-safe; per-conversation state lives in <see cref="ConversationModelState"/>.
/// </summary>
public sealed class ConversationModel
{
    public const string LinearKind = "ngram-linear";

    private readonly Dictionary<ulong, int> _index;

    internal ConversationModel(string language, NgramSettings ngrams, string[] terms, NgramKind[] kinds, float[] weights, float[] idf,
        IReadOnlyList<string> denseNames, float[] denseWeights, double bias, double threshold, TrainingSettings settings,
        TrainingSummary? training, CrossValidation? crossValidation)
    {
        ngrams.Validate();
        if (kinds.Length != terms.Length || weights.Length != terms.Length || idf.Length != terms.Length)
            throw new ModelFormatException($"model has {terms.Length} terms but {kinds.Length} kinds, {weights.Length} weights and {idf.Length} IDF values");
        if (denseWeights.Length != denseNames.Count)
            throw new ModelFormatException($"model has {denseNames.Count} indicator features but {denseWeights.Length} weights");
        for (var i = 0; i < denseNames.Count; i++)
            if (i >= ModelFeatures.DenseNames.Count || denseNames[i] != ModelFeatures.DenseNames[i])
                throw new ModelFormatException($"model expects indicator feature \"{denseNames[i]}\" at position {i}, which this version does not compute there");
        if (!double.IsFinite(bias) || !double.IsFinite(threshold) || threshold is <= 0 or >= 1)
            throw new ModelFormatException($"model threshold {threshold} must be between 0 and 1 and the bias finite");
        if (!weights.All(float.IsFinite) || !idf.All(float.IsFinite) || !denseWeights.All(float.IsFinite))
            throw new ModelFormatException("model weights contain a value that is not a finite number");

        Language = language;
        Ngrams = ngrams;
        Terms = terms;
        Kinds = kinds;
        Weights = weights;
        Idf = idf;
        DenseNames = denseNames;
        DenseWeights = denseWeights;
        Bias = bias;
        Threshold = threshold;
        Settings = settings;
        Training = training;
        CrossValidation = crossValidation;
        _index = new Dictionary<ulong, int>(terms.Length);
        for (var i = 0; i < terms.Length; i++)
            if (!_index.TryAdd(NgramFeatures.HashTerm(terms[i], kinds[i]), i))
                throw new ModelFormatException($"model lists the term \"{terms[i]}\" twice");
    }

#pragma warning disable CA1822 // an instance property: later kinds will differ per model
    public string Kind => LinearKind;
#pragma warning restore CA1822
    public string Language { get; }
    public NgramSettings Ngrams { get; }
    public IReadOnlyList<string> DenseNames { get; }
    public double Bias { get; }

    /// <summary>The probability at which a conversation counts as risk (chosen for F0.5 on held-out folds).</summary>
    public double Threshold { get; }
    public TrainingSettings Settings { get; }
    public TrainingSummary? Training { get; }
    public CrossValidation? CrossValidation { get; }
    public int TermCount => Terms.Length;

    internal string[] Terms { get; }
    internal NgramKind[] Kinds { get; }
    internal float[] Weights { get; }
    internal float[] Idf { get; }
    internal float[] DenseWeights { get; }

    /// <summary>A short description for explanations.</summary>
    public string Name => Training is { } t
        ? $"{Kind} ({TermCount} terms, trained {t.TrainedAt:yyyy-MM-dd} on {t.Conversations} conversations)"
        : $"{Kind} ({TermCount} terms)";

    public ConversationModelState NewState() => new(this);

    internal bool TryFind(ulong hash, out int feature) => _index.TryGetValue(hash, out feature);

    /// <summary>The model's probability for a feature vector laid out as in training: word block, char block, dense.</summary>
    internal double ProbabilityOf(double wordScore, double charScore, ReadOnlySpan<float> dense)
    {
        var z = Bias + wordScore + charScore;
        for (var i = 0; i < DenseWeights.Length && i < dense.Length; i++) z += DenseWeights[i] * dense[i];
        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary>The same model with other metadata (used by training to attach figures after fitting).</summary>
    internal ConversationModel With(double? threshold = null, TrainingSummary? training = null, CrossValidation? crossValidation = null) =>
        new(Language, Ngrams, Terms, Kinds, Weights, Idf, DenseNames, DenseWeights, Bias, threshold ?? Threshold, Settings,
            training ?? Training, crossValidation ?? CrossValidation);
}
