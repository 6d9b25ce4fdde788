using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Evaluation;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Models;
using Safeguard.Conversations.Training;
using Safeguard.TestSupport.Chat;
using Xunit.Abstractions;

namespace Safeguard.Conversations.Training.Tests;

/// <summary>
/// The pipeline learns what the lexicons miss: trained on generated PAN-style chat (written by the tests, not
/// explicit, grooming worded away from the lexicon phrases), it finds grooming in chats of another seed that the
/// indicators alone do not.
/// </summary>
public sealed class PanStyleLearningTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-panstyle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<LabelledConversation> Read(string name, Action<string> write)
    {
        var path = Path.Combine(_dir, name);
        write(path);
        return TrainingSetReader.ReadAll([path]).Items;
    }

    private static BinaryMetrics LexiconsOnly(IReadOnlyList<LabelledConversation> test)
    {
        var evaluator = new Evaluator(RiskLevel.High);
        return BinaryMetrics.Of([.. test.Select(t => t.IsRisk)],
            [.. test.Select(t => evaluator.Evaluate(t.Id, t.Conversation, new ConversationLabel(t.IsRisk, t.Category, "test", null)).Flagged)]);
    }

    [Fact]
    public void Trained_on_csv_segments_it_finds_grooming_in_another_seed_that_lexicons_miss()
    {
        var training = Read("train.csv", p => PanStyleCorpus.WriteCsv(p, PanStyleCorpus.Generate(seed: 1, count: 500)));
        var test = Read("test.csv", p => PanStyleCorpus.WriteCsv(p, PanStyleCorpus.Generate(seed: 2, count: 300)));
        Assert.All(training, t => Assert.Equal("", t.Conversation.Messages[0].Sender));
        var model = new ConversationTrainer(new TrainingOptions { Folds = 5 }).Train(training, ["train.csv"]).Model;
        var trained = HeldOutEvaluation.Evaluate(model, test);
        var lexicons = LexiconsOnly(test);
        output.WriteLine($"csv: model F0.5 {trained.F05:0.000} (P {trained.Precision:0.000}, R {trained.Recall:0.000}), lexicons {lexicons.F05:0.000}, cv {model.CrossValidation!.Pooled.F05:0.000}");
        Assert.True(lexicons.F05 < 0.5, $"lexicons F0.5 {lexicons.F05:0.000}: the corpus should hide its grooming from them");
        Assert.True(trained.F05 > 0.8, $"model F0.5 {trained.F05:0.000} (P {trained.Precision:0.000}, R {trained.Recall:0.000})");
        Assert.True(model.CrossValidation!.Pooled.F05 > 0.8, $"cross-validated F0.5 {model.CrossValidation.Pooled.F05:0.000}");
    }

    [Fact]
    public void Trained_on_conversations_with_speakers_it_flags_in_other_wording_with_evidence()
    {
        var training = Read("train", d => PanStyleCorpus.WriteJsonDirectory(d, PanStyleCorpus.Generate(seed: 3, count: 400, style: PanStyle.A)));
        var test = Read("test", d => PanStyleCorpus.WriteJsonDirectory(d, PanStyleCorpus.Generate(seed: 4, count: 300, style: PanStyle.B)));
        var model = new ConversationTrainer(new TrainingOptions { Folds = 4 }).Train(training, ["train"]).Model;
        var trained = HeldOutEvaluation.Evaluate(model, test);
        var lexicons = LexiconsOnly(test);
        output.WriteLine($"json A->B: model F0.5 {trained.F05:0.000} (P {trained.Precision:0.000}, R {trained.Recall:0.000}), lexicons {lexicons.F05:0.000}");
        Assert.True(trained.F05 > lexicons.F05 + 0.2, $"model F0.5 {trained.F05:0.000} against lexicons {lexicons.F05:0.000}");
        var options = new AnalyzerOptions { Model = model };
        foreach (var item in test.Where(t => t.IsRisk))
        {
            var a = new ConversationAnalyzer(options).Analyze(item.Conversation);
            if (a.Level < RiskLevel.High) continue;
            Assert.NotEmpty(a.Evidence);
            Assert.NotEmpty(a.Model!.TopTerms);
        }
    }
}
