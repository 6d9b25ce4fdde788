using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Evaluation;
using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Training;

/// <summary>Scores a labelled set with a model as <c>chat eval</c> does: streamed, flagged at level high at any message.</summary>
public static class HeldOutEvaluation
{
    public static BinaryMetrics Evaluate(ConversationModel model, IReadOnlyList<LabelledConversation> test)
    {
        var evaluator = new Evaluator(RiskLevel.High, new AnalyzerOptions { Model = model });
        return BinaryMetrics.Of([.. test.Select(t => t.IsRisk)], [.. test.Select(t => ConversationTrainer.Flagged(evaluator, t))]);
    }

    /// <summary>A stratified random split by seed: the test part is never seen by training or threshold choice.</summary>
    public static (List<LabelledConversation> Training, List<LabelledConversation> Test) Split(
        IReadOnlyList<LabelledConversation> items, double testFraction, int seed)
    {
        if (testFraction is <= 0 or >= 1) throw new TrainingDataException($"--test-fraction must be between 0 and 1, not {testFraction}");
        var random = new Random(seed ^ 0x5EED);
        var training = new List<LabelledConversation>();
        var test = new List<LabelledConversation>();
        // Copies of one text stay on one side, so the test part holds no text the model was trained on.
        var groups = items.GroupBy(i => ConversationTrainer.ContentKey(i.Conversation), StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        foreach (var label in new[] { true, false })
        {
            var ofLabel = groups.Where(g => g[0].IsRisk == label).Select(g => (Group: g, Key: random.NextDouble())).OrderBy(x => x.Key).Select(x => x.Group).ToList();
            var testCount = (int)Math.Round(ofLabel.Sum(g => g.Count) * testFraction);
            var taken = 0;
            foreach (var group in ofLabel)
            {
                var toTest = taken < testCount;
                (toTest ? test : training).AddRange(group);
                if (toTest) taken += group.Count;
            }
        }
        // Keep input order within each part so training does not depend on the split's shuffle.
        var order = items.Select((item, i) => (item, i)).ToDictionary(x => x.item, x => x.i);
        training.Sort((a, b) => order[a].CompareTo(order[b]));
        test.Sort((a, b) => order[a].CompareTo(order[b]));
        return (training, test);
    }
}
