using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Evaluation;

/// <summary>One labelled conversation's outcome. Delay is detection index minus first-risk index (negative = earlier).</summary>
public sealed record EvaluationCase(string File, ConversationLabel Label, bool Flagged, double FinalScore, RiskLevel FinalLevel, int? DetectionIndex, int? Delay);

public sealed record EvaluationMetrics(int Total, int Positives, int TruePositives, int FalsePositives, int FalseNegatives,
    double Precision, double Recall, double F05, double? MedianDelay, int LateDetections)
{
    public static EvaluationMetrics Of(IReadOnlyCollection<EvaluationCase> cases)
    {
        var tp = cases.Count(c => c.Label.IsRisk && c.Flagged);
        var fp = cases.Count(c => !c.Label.IsRisk && c.Flagged);
        var fn = cases.Count(c => c.Label.IsRisk && !c.Flagged);
        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        const double beta2 = 0.25;
        var f05 = precision + recall == 0 ? 0 : (1 + beta2) * precision * recall / (beta2 * precision + recall);
        var delays = cases.Where(c => c.Delay is not null).Select(c => (double)c.Delay!.Value).Order().ToList();
        double? median = delays.Count == 0 ? null
            : delays.Count % 2 == 1 ? delays[delays.Count / 2] : (delays[delays.Count / 2 - 1] + delays[delays.Count / 2]) / 2;
        return new EvaluationMetrics(cases.Count, tp + fn, tp, fp, fn, precision, recall, f05, median, delays.Count(d => d > 0));
    }
}

/// <summary>
/// Runs a labelled set through the streaming analyser. A conversation counts as flagged when its level reaches
/// the threshold at any message; the detection index is the first such message.
/// </summary>
public sealed class Evaluator(RiskLevel threshold = RiskLevel.High, AnalyzerOptions? options = null)
{
    private readonly AnalyzerOptions _options = options ?? AnalyzerOptions.Default;

    public RiskLevel Threshold { get; } = threshold;

    public EvaluationCase Evaluate(string file, Conversation conversation, ConversationLabel label)
    {
        var stream = new StreamingConversationAnalyzer(conversation.Participants, _options, conversation.Id);
        int? detection = null;
        foreach (var message in ConversationAnalyzer.InTimeOrder(conversation.Messages, out _))
        {
            var update = stream.Add(message);
            if (detection is null && update.Level >= Threshold) detection = update.MessageIndex;
        }
        int? delay = label.IsRisk && detection is { } d && label.FirstRiskIndex is { } first ? d - first : null;
        return new EvaluationCase(file, label, detection is not null, stream.Score, stream.Level, detection, delay);
    }

    /// <summary>Loads every *.json file of a directory (recursively) that carries a label.</summary>
    public static IEnumerable<(string File, Conversation Conversation, ConversationLabel Label)> LoadSet(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            (Conversation Conversation, ConversationLabel? Label) parsed;
            try { parsed = ConversationJson.ReadLabelled(stream); }
            catch (ConversationFormatException ex) { throw new ConversationFormatException($"{file}: {ex.Message}", ex); }
            if (parsed.Label is { } label)
                yield return (Path.GetRelativePath(directory, file), parsed.Conversation, label);
        }
    }
}
