using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Tests;

public class ScoringTests
{
    private static readonly string[] Grooming =
    [
        "adult: you're so mature for your age",
        "child: thanks",
        "adult: do your parents check your phone?",
        "child: no",
        "adult: keep this between us ok",
        "child: ok",
        "adult: send me a pic of you",
    ];

    [Fact]
    public void Grooming_sequence_reaches_requests_with_a_timeline()
    {
        var a = TestSupport.Analyze(TestSupport.AdultAndChild(Grooming));
        Assert.Equal(ConversationStage.Requests, a.FurthestStage);
        Assert.Equal("adult", a.FocusParticipant);
        Assert.True(a.Level >= RiskLevel.High, $"level {a.Level}");
        Assert.Equal([ConversationStage.TrustBuilding, ConversationStage.RiskAssessment, ConversationStage.Isolation, ConversationStage.Requests],
            a.Timeline.Select(t => t.Stage));
        var request = a.Timeline.Single(t => t.Stage == ConversationStage.Requests);
        Assert.Equal(6, request.MessagesFromFirstContact);
        Assert.Equal(TimeSpan.FromMinutes(6), request.TimeFromFirstContact);
    }

    [Fact]
    public void Sextortion_threat_is_critical_and_the_furthest_stage()
    {
        var a = TestSupport.Analyze(TestSupport.AdultAndChild(
            "adult: you're cute, send me a pic", "child: ok sent", "adult: i have your pic. pay me or everyone will see it"));
        Assert.Equal(ConversationStage.Coercion, a.FurthestStage);
        Assert.Equal(RiskLevel.Critical, a.Level);
    }

    [Fact]
    public void More_stages_score_higher_than_fewer()
    {
        var two = TestSupport.Analyze(TestSupport.AdultAndChild(Grooming[^3..])).Score;
        var four = TestSupport.Analyze(TestSupport.AdultAndChild(Grooming)).Score;
        Assert.True(four > two, $"{four} vs {two}");
    }

    [Fact]
    public void Faster_escalation_scores_higher()
    {
        var participants = new[] { new Participant("adult"), new Participant("child", DeclaredAge: 13) };
        ConversationAnalysis Run(TimeSpan gap, int fillers)
        {
            var t = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var messages = new List<ChatMessage> { new("adult", t, "don't tell anyone we talk") };
            for (var i = 0; i < fillers; i++) messages.Add(new ChatMessage(i % 2 == 0 ? "child" : "adult", t += gap, "ok lol"));
            messages.Add(new ChatMessage("adult", t + gap, "send me a pic"));
            return new ConversationAnalyzer().Analyze(new Conversation("c", participants, messages));
        }
        var fast = Run(TimeSpan.FromMinutes(1), 4);
        var slow = Run(TimeSpan.FromDays(1), 80);
        Assert.True(fast.Score > slow.Score, $"{fast.Score} vs {slow.Score}");
    }

    [Fact]
    public void Adult_flirting_between_declared_adults_stays_low()
    {
        var a = TestSupport.Analyze(TestSupport.Chat([new Participant("x", DeclaredAge: 31), new Participant("y", DeclaredAge: 29)],
            "x: you're gorgeous", "y: you're sweet", "x: send me a selfie", "y: 🤳", "x: sexy. add me on whatsapp", "y: ok", "x: let's meet up friday"));
        Assert.True(a.Level <= RiskLevel.Low, $"{a.Level} {a.Score}");
    }

    [Fact]
    public void Sextortion_of_an_adult_is_still_flagged()
    {
        var a = TestSupport.Analyze(TestSupport.Chat([new Participant("x", DeclaredAge: 25), new Participant("y", DeclaredAge: 29)],
            "x: send me a pic", "y: ok", "x: i saved your pic. send 300 dollars or your family will see it"));
        Assert.True(a.Level >= RiskLevel.High, $"{a.Level} {a.Score}");
    }

    [Theory]
    [InlineData("dad: don't tell your sister about the surprise party ok? 🤫", "child: i won't!!", "dad: keep it secret till saturday")]
    [InlineData("dad: send me a photo of your homework", "child: 📸", "dad: great, fix question 4")]
    [InlineData("dad: are you home alone? grandma is coming at 6 with dinner", "child: yes", "dad: love you")]
    [InlineData("dad: hi, your mum asked me to give you a lift to the tournament, i'll pick you up at 8", "child: ok thanks coach", "dad: bring water")]
    [InlineData("dad: send pics of your cat!!", "child: 📷", "dad: so cute")]
    [InlineData("dad: i'll destroy you next round", "child: you wish", "dad: you have 10 seconds, you're dead")]
    public void Benign_look_alikes_are_not_flagged(params string[] lines)
    {
        var a = TestSupport.Analyze(TestSupport.Chat([new Participant("dad", DeclaredAge: 40), new Participant("child", DeclaredAge: 12)], lines));
        Assert.True(a.Level < RiskLevel.Medium, $"{a.Level} {a.Score}: {string.Join(", ", a.Indicators.Select(i => i.Id))}");
    }

    [Fact]
    public void Obfuscated_grooming_is_caught()
    {
        var a = TestSupport.Analyze(TestSupport.AdultAndChild(
            "adult: d o n t  t e l l  a n y o n e", "child: ok", "adult: s3nd m3 a p1c 📸", "adult: 1 h@ve y0ur p1c, p@y m3 0r 3v3ry0n3 w1ll s33"));
        Assert.Contains("secrecy", a.IndicatorIds());
        Assert.Contains("photo-request", a.IndicatorIds());
        Assert.Contains("threat-to-share", a.IndicatorIds());
        Assert.Equal(RiskLevel.Critical, a.Level);
    }

    [Fact]
    public void Evidence_is_bounded_on_long_conversations()
    {
        var lines = Enumerable.Range(0, 2000).Select(i => i % 2 == 0 ? "adult: send me a pic" : "child: no").ToArray();
        var a = TestSupport.Analyze(TestSupport.AdultAndChild(lines));
        var finding = Assert.Single(a.Indicators, i => i.Id == "photo-request");
        Assert.Equal(1000, finding.Occurrences);
        Assert.Equal(AnalyzerOptions.Default.MaxEvidencePerIndicator, finding.MessageIndices.Count);
        Assert.True(a.Evidence.Count <= 10);
    }
}
