using System.Diagnostics;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Evaluation;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Tests;

public class StreamingTests
{
    [Fact]
    public void Streaming_and_batch_agree_on_every_evaluation_conversation()
    {
        var batch = new ConversationAnalyzer();
        var count = 0;
        foreach (var (_, conversation, _) in Evaluator.LoadSet(TestSupport.EvalDirectory))
        {
            var stream = new StreamingConversationAnalyzer(conversation.Participants, conversationId: conversation.Id);
            RiskUpdate last = default;
            foreach (var message in conversation.Messages) last = stream.Add(message);
            var streamed = stream.Snapshot();
            var whole = batch.Analyze(conversation);
            Assert.Equal(whole.Score, streamed.Score);
            Assert.Equal(whole.Level, last.Level);
            Assert.Equal(whole.FurthestStage, last.FurthestStage);
            Assert.Equal(whole.Indicators.Select(i => (i.Id, i.Participant, string.Join(",", i.MessageIndices))),
                streamed.Indicators.Select(i => (i.Id, i.Participant, string.Join(",", i.MessageIndices))));
            count++;
        }
        Assert.True(count >= 150, $"only {count} conversations");
    }

    [Fact]
    public void Score_only_moves_with_new_evidence()
    {
        var stream = new StreamingConversationAnalyzer([new Participant("a", DeclaredAge: 30), new Participant("b", DeclaredAge: 13)]);
        var before = stream.Add(new ChatMessage("a", null, "hi how was school"));
        var after = stream.Add(new ChatMessage("a", null, "keep this between us"));
        Assert.Equal(0, before.NewIndicators);
        Assert.Equal(1, after.NewIndicators);
        Assert.True(after.Score > before.Score);
    }

    [Fact]
    [Trait("Timing", "wall-clock")]
    public void Per_message_update_is_well_under_a_millisecond()
    {
        var stream = new StreamingConversationAnalyzer([new Participant("a"), new Participant("b", DeclaredAge: 14)]);
        string[] lines = ["hey how are you", "you're so mature", "add me on snap", "lol ok", "send me a pic 📸", "what time is practice"];
        for (var i = 0; i < 2000; i++) stream.Add(new ChatMessage(i % 2 == 0 ? "a" : "b", null, lines[i % lines.Length]));
        const int n = 20_000;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) stream.Add(new ChatMessage(i % 2 == 0 ? "a" : "b", null, lines[i % lines.Length]));
        var perMessage = watch.Elapsed.TotalMilliseconds / n;
        Assert.True(perMessage < 0.2, $"{perMessage:0.000} ms per message");
    }

    [Fact]
    public void Hundred_thousand_messages_in_bounded_time_and_memory()
    {
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var messages = Enumerable.Range(0, 100_000)
            .Select(i => new ChatMessage(i % 2 == 0 ? "a" : "b", t.AddSeconds(i), i % 97 == 0 ? "send me a pic" : "ok see you later")).ToList();
        var watch = Stopwatch.StartNew();
        var analysis = new ConversationAnalyzer().Analyze(new Conversation("big", [], messages));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
        Assert.Equal(100_000, analysis.MessageCount);
        Assert.True(analysis.Evidence.Count <= AnalyzerOptions.Default.MaxEvidencePerIndicator * 2);
    }

    [Fact]
    public void Out_of_order_and_missing_timestamps_are_reported_not_fatal()
    {
        var t = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var shuffled = new Conversation("c", [], [
            new ChatMessage("a", t.AddMinutes(5), "send me a pic"),
            new ChatMessage("a", t, "don't tell anyone"),
        ]);
        var sorted = new ConversationAnalyzer().Analyze(shuffled);
        Assert.Contains(sorted.Warnings, w => w.Contains("sorted"));
        Assert.Equal(ConversationStage.Isolation, sorted.Timeline[0].Stage);

        var missing = new ConversationAnalyzer().Analyze(new Conversation("c", [], [
            new ChatMessage("a", null, "don't tell anyone"), new ChatMessage("a", t, "send me a pic")]));
        Assert.Contains(missing.Warnings, w => w.Contains("no timestamp"));
        Assert.Null(missing.Timeline[0].TimeFromFirstContact);
    }
}
