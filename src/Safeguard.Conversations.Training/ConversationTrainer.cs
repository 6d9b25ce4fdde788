using System.Security.Cryptography;
using System.Text;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Evaluation;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Training;

/// <summary>
/// Trains a conversation model: features as the streaming analyser reads them, K-fold cross-validation with each
/// fold scored by the run-time scorer message by message (so the figures are what <c>chat eval</c> will show), the
/// decision threshold chosen for F0.5 on the held-out folds, and a final fit on everything.
/// </summary>
public sealed class ConversationTrainer(TrainingOptions options, Action<string>? progress = null)
{
    public TrainingResult Train(IReadOnlyList<LabelledConversation> items, IReadOnlyList<string> sources)
    {
        Validate(items);
        var warnings = new List<string>();
        var extractor = new FeatureExtractor(options.Ngrams);
        var extracted = new List<ExtractedConversation>(items.Count);
        foreach (var item in items)
        {
            extracted.Add(extractor.Extract(item));
            if (extracted.Count % 1000 == 0) Report($"features: {extracted.Count}/{items.Count} conversations");
        }
        if (extractor.CappedConversations > 0)
            warnings.Add($"{extractor.CappedConversations} conversation(s) had more than {FeatureExtractor.MaxDistinctPerConversation} distinct n-grams; the rest were not counted");
        Report($"features: {items.Count} conversations, {extractor.Terms.Count} distinct n-grams");

        var folds = AssignFolds(extracted, warnings);
        var trainer = new LinearTrainer(options.Ngrams, options.Settings, options.Seed, AnalyzerOptions.Default.Lexicons.Language);
        var peaks = new double[extracted.Count];
        var foldModels = new ConversationModel[options.Folds];
        for (var k = 0; k < options.Folds; k++)
        {
            Report($"cross-validation: fold {k + 1}/{options.Folds}");
            var fold = k;
            foldModels[k] = trainer.Fit([.. extracted.Where((_, i) => folds[i] != fold)], extractor.Terms);
            for (var i = 0; i < extracted.Count; i++)
                if (folds[i] == k) peaks[i] = PeakProbability(foldModels[k], extracted[i].Source);
        }

        var labels = extracted.Select(e => e.Source.IsRisk).ToArray();
        var foldThresholds = new List<double>();
        var foldF05 = new List<double>();
        var predicted = new bool[extracted.Count];
        for (var k = 0; k < options.Folds; k++)
        {
            var others = Enumerable.Range(0, extracted.Count).Where(i => folds[i] != k).ToList();
            var threshold = Thresholds.BestF05([.. others.Select(i => peaks[i])], [.. others.Select(i => labels[i])]);
            foldThresholds.Add(Math.Round(threshold, 6));
            var evaluator = new Evaluator(RiskLevel.High, new AnalyzerOptions { Model = foldModels[k].With(threshold) });
            var inFold = Enumerable.Range(0, extracted.Count).Where(i => folds[i] == k).ToList();
            foreach (var i in inFold) predicted[i] = Flagged(evaluator, extracted[i].Source);
            foldF05.Add(Math.Round(BinaryMetrics.Of([.. inFold.Select(i => labels[i])], [.. inFold.Select(i => predicted[i])]).F05, 4));
        }
        var pooled = BinaryMetrics.Of(labels, predicted);
        var finalThreshold = Thresholds.BestF05(peaks, labels);

        Report("final model on all conversations");
        var model = trainer.Fit(extracted, extractor.Terms);
        var summary = new TrainingSummary(items.Count, labels.Count(l => l), labels.Count(l => !l), extracted.Sum(e => e.Messages),
            options.TrainedAt ?? DateTimeOffset.UtcNow, TrainingSetReader.DataHash(items), options.Seed, [.. sources]);
        var cv = new CrossValidation(options.Folds, pooled, foldThresholds, foldF05);
        return new TrainingResult(model.With(Math.Round(finalThreshold, 6), summary, cv), warnings);
    }

    /// <summary>The highest probability the model gives while the conversation streams in, message by message.</summary>
    internal static double PeakProbability(ConversationModel model, LabelledConversation item)
    {
        var stream = new StreamingConversationAnalyzer(item.Conversation.Participants, new AnalyzerOptions { Model = model }, item.Id);
        var peak = 0.0;
        foreach (var message in ConversationAnalyzer.InTimeOrder(item.Conversation.Messages, out _))
        {
            stream.Add(message);
            peak = Math.Max(peak, stream.ModelScore ?? 0);
        }
        return peak;
    }

    internal static bool Flagged(Evaluator evaluator, LabelledConversation item) =>
        evaluator.Evaluate(item.Id, item.Conversation, new ConversationLabel(item.IsRisk, item.Category, "cv", null)).Flagged;

    private void Validate(IReadOnlyList<LabelledConversation> items)
    {
        if (options.Folds is < 2 or > 100) throw new TrainingDataException($"--cv must be between 2 and 100, not {options.Folds}");
        if (items.Count == 0) throw new TrainingDataException("no labelled conversations to train on");
        var risk = items.Count(i => i.IsRisk);
        if (risk == 0 || risk == items.Count)
            throw new TrainingDataException($"all {items.Count} conversations are labelled {(risk == 0 ? "benign" : "risk")}; training needs both classes");
        var smaller = Math.Min(risk, items.Count - risk);
        if (smaller < options.Folds)
            throw new TrainingDataException($"only {smaller} conversation(s) of the smaller class; {options.Folds}-fold cross-validation needs at least {options.Folds}");
    }

    /// <summary>
    /// Stratified folds from the seed. Conversations with identical text go to the same fold, so a copy in the
    /// training folds cannot flatter the held-out figures.
    /// </summary>
    private int[] AssignFolds(List<ExtractedConversation> extracted, List<string> warnings)
    {
        var groups = extracted.Select((e, i) => (Key: ContentKey(e.Source.Conversation), Index: i))
            .GroupBy(x => x.Key, StringComparer.Ordinal).Select(g => g.Select(x => x.Index).ToList()).ToList();
        var duplicates = extracted.Count - groups.Count;
        if (duplicates > 0) warnings.Add($"{duplicates} conversation(s) repeat the text of another; copies are kept in one fold");
        var mixed = groups.Count(g => g.Select(i => extracted[i].Source.IsRisk).Distinct().Count() > 1);
        if (mixed > 0) warnings.Add($"{mixed} text(s) are labelled both risk and benign");
        var random = new Random(options.Seed);
        var folds = new int[extracted.Count];
        foreach (var label in new[] { true, false })
        {
            var ofLabel = groups.Where(g => extracted[g[0]].Source.IsRisk == label).Select(g => (Group: g, Key: random.NextDouble()))
                .OrderBy(x => x.Key).Select(x => x.Group).ToList();
            for (var n = 0; n < ofLabel.Count; n++)
                foreach (var i in ofLabel[n]) folds[i] = n % options.Folds;
        }
        return folds;
    }

    public static string ContentKey(Conversation conversation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var m in conversation.Messages)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(m.Text ?? ""));
            hash.AppendData([0]);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private void Report(string message) => progress?.Invoke(message);
}
