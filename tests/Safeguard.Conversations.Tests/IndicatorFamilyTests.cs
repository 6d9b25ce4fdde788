using Safeguard.Conversations.Analysis;

namespace Safeguard.Conversations.Tests;

/// <summary>Each family with messages that must and must not raise it.</summary>
public class IndicatorFamilyTests
{
    [Theory]
    [InlineData("you're so mature for your age", IndicatorFamily.TrustBuilding)]
    [InlineData("we have so much in common", IndicatorFamily.TrustBuilding)]
    [InlineData("i can buy you free robux", IndicatorFamily.TrustBuilding)]
    [InlineData("how old r u", IndicatorFamily.RiskAssessment)]
    [InlineData("what school do you go to?", IndicatorFamily.RiskAssessment)]
    [InlineData("who else uses your phone", IndicatorFamily.RiskAssessment)]
    [InlineData("do your parents check your phone?", IndicatorFamily.RiskAssessment)]
    [InlineData("don't tell anyone about us", IndicatorFamily.Isolation)]
    [InlineData("delete our messages after", IndicatorFamily.Isolation)]
    [InlineData("add me on telegram", IndicatorFamily.Isolation)]
    [InlineData("turn on disappearing messages", IndicatorFamily.Isolation)]
    [InlineData("join me here https://t.me/x1234", IndicatorFamily.Isolation)]
    [InlineData("send me a selfie", IndicatorFamily.Requests)]
    [InlineData("turn your camera on", IndicatorFamily.Requests)]
    [InlineData("can we meet up this weekend", IndicatorFamily.Requests)]
    [InlineData("what are you wearing", IndicatorFamily.Sexualisation)]
    [InlineData("s3xy", IndicatorFamily.Sexualisation)]
    [InlineData("i will send them to your parents", IndicatorFamily.Coercion)]
    [InlineData("send me a $50 gift card", IndicatorFamily.Coercion)]
    [InlineData("you have 2 hours ⏰", IndicatorFamily.Coercion)]
    [InlineData("this will ruin your life", IndicatorFamily.Coercion)]
    [InlineData("send more or everyone sees", IndicatorFamily.Coercion)]
    public void Positive_examples_raise_their_family(string text, IndicatorFamily family)
    {
        var analysis = TestSupport.AnalyzeOne(text);
        var finding = Assert.Single(analysis.Indicators, i => i.Family == family);
        Assert.Equal("adult", finding.Participant);
        Assert.Equal([0], finding.MessageIndices);
        Assert.Contains(analysis.Evidence, e => e.Index == 0 && e.Text == text);
    }

    [Theory]
    [InlineData("that essay is so beautiful, you're so talented", IndicatorFamily.TrustBuilding)]
    [InlineData("i'll buy you a cake for your birthday", IndicatorFamily.TrustBuilding)]
    [InlineData("how was your day", IndicatorFamily.RiskAssessment)]
    [InlineData("don't tell your sister about the surprise", IndicatorFamily.Isolation)]
    [InlineData("delete that photo it's embarrassing", IndicatorFamily.Isolation)]
    [InlineData("send me a pic of your homework", IndicatorFamily.Requests)]
    [InlineData("send pics of your cat", IndicatorFamily.Requests)]
    [InlineData("don't send pics to strangers", IndicatorFamily.Requests)]
    [InlineData("video call with grandma at 7", IndicatorFamily.Requests)]
    [InlineData("i'll pick you up after practice", IndicatorFamily.Requests)]
    [InlineData("wear something warm", IndicatorFamily.Sexualisation)]
    [InlineData("i'll destroy you next round", IndicatorFamily.Coercion)]
    [InlineData("you have 10 minutes to get ready for school", IndicatorFamily.Coercion)]
    [InlineData("how much money do you have left from your birthday", IndicatorFamily.Coercion)]
    [InlineData("if you miss homework again i will tell your parents", IndicatorFamily.Coercion)]
    public void Negative_examples_do_not(string text, IndicatorFamily family)
    {
        var analysis = TestSupport.AnalyzeOne(text);
        Assert.DoesNotContain(analysis.Indicators, i => i.Family == family);
    }

    [Fact]
    public void Age_gap_from_declared_ages()
    {
        var analysis = TestSupport.Analyze(TestSupport.AdultAndChild("adult: hi", "child: hi"));
        var gap = Assert.Single(analysis.Indicators, i => i.Family == IndicatorFamily.AgeGap);
        Assert.Equal("adult", gap.Participant);
        Assert.Contains("declared age 34", gap.Description);
    }

    [Fact]
    public void Age_gap_inferred_from_text()
    {
        var analysis = TestSupport.Analyze(TestSupport.Chat([],
            "x: hey how old are you", "y: 13 why", "x: i'm 27 lol"));
        var gap = Assert.Single(analysis.Indicators, i => i.Family == IndicatorFamily.AgeGap);
        Assert.Equal("x", gap.Participant);
        Assert.Equal([1, 2], gap.MessageIndices);
    }

    [Fact]
    public void No_age_gap_between_peers_or_with_unit_numbers()
    {
        var peers = TestSupport.Analyze(TestSupport.Chat([], "x: i'm 14", "y: im 15 lol", "x: i'm 5 minutes away"));
        Assert.DoesNotContain(peers.Indicators, i => i.Family == IndicatorFamily.AgeGap);
        var adults = TestSupport.Analyze(TestSupport.Chat([], "x: i'm 30 minutes late", "y: im 13"));
        Assert.DoesNotContain(adults.Indicators, i => i.Family == IndicatorFamily.AgeGap);
    }
}
