using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Monitoring;

namespace Safeguard.Conversations.Tests;

public class MonitorTests
{
    private static readonly string[] Script =
    [
        "hey how was your day", "you're so mature for your age", "what did you have for lunch", "do your parents check your phone?",
        "haha", "keep this between us", "anyway what music do you like", "send me a pic of you",
        "i have your pic. pay me or everyone will see it",
    ];

    [Fact]
    public void Alerts_when_the_threshold_is_crossed_with_only_evidence_messages()
    {
        var monitor = new ConversationMonitor(RiskLevel.High);
        monitor.SetParticipant("c1", new Participant("kid", DeclaredAge: 13));
        var alerts = new List<RiskAlert>();
        monitor.AlertRaised += alerts.Add;
        var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var updates = Script.Select((text, i) => monitor.Observe("c1", new ChatMessage("x", t.AddMinutes(i), text))).ToList();

        var first = updates.First(u => u.Alert is not null);
        Assert.True(first.Update.Level >= RiskLevel.High);
        Assert.All(updates.TakeWhile(u => u.Alert is null), u => Assert.True(u.Update.Level < RiskLevel.High));
        Assert.NotEmpty(alerts);
        Assert.Equal(alerts.Count, updates.Count(u => u.Alert is not null));
        // Raised again only for a higher level.
        Assert.Equal(alerts.Select(a => a.Level).Distinct().Count(), alerts.Count);

        var last = alerts[^1];
        Assert.Equal("x", last.Participant);
        Assert.DoesNotContain(last.EvidenceMessages, e => e.Text.Contains("lunch") || e.Text.Contains("music") || e.Text.Contains("how was your day"));
        Assert.Contains(last.EvidenceMessages, e => e.Text.Contains("between us"));
        Assert.All(last.EvidenceMessages, e => Assert.Contains(last.Indicators, i => i.MessageIndices.Contains(e.Index)));
    }

    [Fact]
    public void Benign_conversation_never_alerts()
    {
        var monitor = new ConversationMonitor(RiskLevel.Medium);
        string[] lines = ["dinner at 6", "can you send me a photo of your homework", "ok", "don't tell your sister about the surprise", "love you"];
        Assert.All(lines, l => Assert.Null(monitor.Observe("c", new ChatMessage("mum", null, l)).Alert));
    }

    [Fact]
    public void Conversations_are_isolated_and_thread_safe()
    {
        var monitor = new ConversationMonitor(RiskLevel.High);
        Parallel.For(0, 64, c =>
        {
            var id = $"c{c}";
            monitor.SetParticipant(id, new Participant("kid", DeclaredAge: 13));
            for (var round = 0; round < 20; round++)
                foreach (var text in c % 2 == 0 ? Script : ["hi", "how are you", "fine thanks"])
                    monitor.Observe(id, new ChatMessage("x", null, text));
        });
        Assert.Equal(64, monitor.Count);
        for (var c = 0; c < 64; c++)
        {
            var analysis = monitor.Analysis($"c{c}")!;
            Assert.Equal(c % 2 == 0 ? Script.Length * 20 : 60, analysis.MessageCount);
            Assert.Equal(c % 2 == 0, analysis.Level >= RiskLevel.High);
        }
        Assert.True(monitor.Forget("c0"));
        Assert.Null(monitor.Analysis("c0"));
        Assert.Equal(63, monitor.EvictIdle(TimeSpan.Zero));
    }
}
