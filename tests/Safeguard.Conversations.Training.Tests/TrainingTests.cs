using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Models;
using Safeguard.Conversations.Monitoring;
using Safeguard.Conversations.Training;

namespace Safeguard.Conversations.Training.Tests;

public sealed class TrainingTests
{
    private static TrainingResult Train(int seed = 1) =>
        new ConversationTrainer(RepositorySet.Options(seed)).Train(RepositorySet.All, [RepositorySet.Directory]);

    [Fact]
    public void Training_twice_with_one_seed_writes_identical_files()
    {
        var first = ModelFile.Serialize(Train().Model);
        var second = ModelFile.Serialize(Train().Model);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Cross_validation_figures_reproduce_and_account_for_every_conversation()
    {
        var a = Train(seed: 7).Model.CrossValidation!;
        var b = Train(seed: 7).Model.CrossValidation!;
        Assert.Equal(a.Pooled, b.Pooled);
        Assert.Equal(a.Pooled.TruePositives, b.Pooled.TruePositives);
        Assert.Equal(a.FoldThresholds, b.FoldThresholds);
        Assert.Equal(a.FoldF05, b.FoldF05);
        Assert.Equal(RepositorySet.All.Count, a.Pooled.Total);
        Assert.Equal(RepositorySet.All.Count(c => c.IsRisk), a.Pooled.Positives);
        Assert.Equal(5, a.FoldThresholds.Count);
        // Another seed deals other folds, so the per-fold figures change.
        var other = Train(seed: 8).Model.CrossValidation!;
        Assert.NotEqual(a.FoldF05, other.FoldF05);
    }

    [Fact]
    public void The_stored_summary_describes_the_data()
    {
        var model = Train().Model;
        var t = model.Training!;
        Assert.Equal(152, t.Conversations);
        Assert.Equal(RepositorySet.All.Count(c => c.IsRisk), t.Risk);
        Assert.Equal(RepositorySet.All.Sum(c => c.Conversation.Messages.Count), t.Messages);
        Assert.Equal(64, t.DataSha256.Length);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), t.TrainedAt);
        Assert.InRange(model.Threshold, 1e-6, 1 - 1e-6);
    }

    [Fact]
    public void The_streaming_scorer_gives_ML_NET_s_own_probabilities()
    {
        var extractor = new FeatureExtractor(NgramSettings.Default);
        var extracted = RepositorySet.All.Select(extractor.Extract).ToList();
        var trainer = new LinearTrainer(NgramSettings.Default, new TrainingSettings(), 1, "en");
        var model = trainer.Fit(extracted, extractor.Terms);
        var expected = trainer.MlNetProbabilities(extracted);
        var options = new AnalyzerOptions { Model = model };
        var separated = 0;
        for (var i = 0; i < extracted.Count; i++)
        {
            var conversation = extracted[i].Source.Conversation;
            var stream = new StreamingConversationAnalyzer(conversation.Participants, options, conversation.Id);
            foreach (var message in ConversationAnalyzer.InTimeOrder(conversation.Messages, out _)) stream.Add(message);
            Assert.Equal(expected[i], stream.ModelScore!.Value, 4);
            if (expected[i] is < 0.2f or > 0.8f) separated++;
        }
        // The comparison means something only if the model is not constant.
        Assert.True(separated > extracted.Count / 2, $"only {separated} confident probabilities");
    }

    [Fact]
    public void Batch_analysis_and_a_monitor_fed_message_by_message_agree_with_a_model()
    {
        var model = Train().Model;
        var options = new AnalyzerOptions { Model = model };
        var monitor = new ConversationMonitor(RiskLevel.High, options);
        foreach (var item in RepositorySet.All.Take(40))
        {
            var batch = new ConversationAnalyzer(options).Analyze(item.Conversation);
            foreach (var p in item.Conversation.Participants) monitor.SetParticipant(item.Id, p);
            foreach (var m in ConversationAnalyzer.InTimeOrder(item.Conversation.Messages, out _)) monitor.Observe(item.Id, m);
            var streamed = monitor.Analysis(item.Id)!;
            Assert.Equal(batch.Score, streamed.Score);
            Assert.Equal(batch.ModelScore, streamed.ModelScore);
            Assert.Equal(batch.Model!.TopTerms.Select(t => t.Term), streamed.Model!.TopTerms.Select(t => t.Term));
            Assert.Equal(batch.Model.MessageIndices, streamed.Model.MessageIndices);
        }
    }

    [Fact]
    public void A_flagged_conversation_names_its_terms_and_evidence_messages()
    {
        var model = Train().Model;
        var options = new AnalyzerOptions { Model = model };
        var flagged = 0;
        foreach (var item in RepositorySet.All)
        {
            var a = new ConversationAnalyzer(options).Analyze(item.Conversation);
            if (a.Level < RiskLevel.High) continue;
            flagged++;
            Assert.NotEmpty(a.Evidence);
            Assert.True(a.Indicators.Count > 0 || a.Model!.MessageIndices.Count > 0);
            Assert.NotEmpty(a.Model!.TopTerms);
            Assert.All(a.Model.MessageIndices, i => Assert.Contains(a.Evidence, e => e.Index == i));
            // Each named term really occurs in the normalised text of the conversation.
            var text = string.Join(' ', item.Conversation.Messages.Select(m => string.Join(' ', LexiconText(m.Text))));
            Assert.All(a.Model.TopTerms, t => Assert.Contains(t.Term.Trim(), " " + text + " ", StringComparison.Ordinal));
        }
        Assert.True(flagged >= 40, $"{flagged} flagged");
    }

    /// <summary>A minor's age stated in a message ("13", "im 14") is a minor appearing, whatever the profiles say.</summary>
    private static bool MinorInText(Conversation conversation)
    {
        var stream = new StreamingConversationAnalyzer(conversation.Participants.Select(p => p with { DeclaredAge = null }));
        foreach (var m in conversation.Messages) stream.Add(m);
        return stream.MinorStated;
    }

    private static string[] LexiconText(string text) => AnalyzerOptions.Default.Lexicons.Normalizer.Normalize(text).Tokens;

    [Fact]
    public void The_shipped_default_model_is_what_the_training_command_makes_from_the_repository_set()
    {
        var shipped = ModelFile.Load(Path.Combine(Repository.Root, "data", "conversations", "models", "default.sgmodel"));
        var retrained = Train().Model;
        Assert.Equal(retrained.Training!.DataSha256, shipped.Training!.DataSha256);
        Assert.Equal(retrained.Terms, shipped.Terms);
        Assert.Equal(retrained.Threshold, shipped.Threshold, 3);
        for (var i = 0; i < shipped.Weights.Length; i++) Assert.Equal(retrained.Weights[i], shipped.Weights[i], 3);
        Assert.Same(DefaultConversationModel.Load(), DefaultConversationModel.Load());
        Assert.Equal(shipped.Terms, DefaultConversationModel.Load().Terms);
    }

    [Fact]
    public void Adults_talking_stay_below_alert_with_a_model_unless_there_is_coercion()
    {
        var model = Train().Model;
        var options = new AnalyzerOptions { Model = model };
        var checkedCount = 0;
        foreach (var item in RepositorySet.All.Where(c => c.IsRisk))
        {
            var original = item.Conversation;
            var adults = original with { Participants = [.. original.Messages.Select(m => m.Sender).Distinct().Select(s => new Participant(s, DeclaredAge: 30))] };
            var asAdults = new ConversationAnalyzer(options).Analyze(adults);
            if (asAdults.Indicators.Any(i => i.Family == IndicatorFamily.Coercion) || MinorInText(adults)) continue;
            checkedCount++;
            Assert.True(asAdults.Level < RiskLevel.High, $"{item.Id} between declared adults scored {asAdults.Score}");
        }
        Assert.True(checkedCount >= 10, $"only {checkedCount} grooming conversations without coercion or a stated minor");
    }
}
