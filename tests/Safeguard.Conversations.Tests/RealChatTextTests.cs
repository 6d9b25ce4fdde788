using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Lexicons;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Tests;

/// <summary>Ages as real chat logs state them, "asl" exchanges, and segments whose messages have no sender.</summary>
public class RealChatTextTests
{
    private static int? SelfStated(string text) =>
        LexiconSet.Default.FindSelfStatedAge(LexiconSet.Default.Normalizer.Normalize(text).Tokens);

    private static int? Answer(string text) =>
        LexiconSet.Default.FindAgeAnswer(LexiconSet.Default.Normalizer.Normalize(text).Tokens, 0, StatedAges.AnswerWindow);

    [Theory]
    [InlineData("35/m/ca", "35 m ca")]
    [InlineData("13 y/o", "13 y o")]
    [InlineData("14f", "14 f")]
    [InlineData("a/s/l?", "asl")]
    [InlineData("a s l", "asl")]
    [InlineData("twenty-five", "twenty five")]
    public void Age_forms_normalise_to_separate_tokens(string text, string tokens) =>
        Assert.Equal(tokens, string.Join(' ', LexiconSet.Default.Normalizer.Normalize(text).Tokens));

    [Theory]
    [InlineData("im 13 lol", 13)]
    [InlineData("i'm 14", 14)]
    [InlineData("14 f ny", 14)]
    [InlineData("13/f", 13)]
    [InlineData("14f", 14)]
    [InlineData("f 14", 14)]
    [InlineData("m 35", 35)]
    [InlineData("35/m/ca", 35)]
    [InlineData("35 m", 35)]
    [InlineData("hey 35 male here", 35)]
    [InlineData("15 girl", 15)]
    [InlineData("age 13", 13)]
    [InlineData("age: 13", 13)]
    [InlineData("13 yrs", 13)]
    [InlineData("13 years lol", 13)]
    [InlineData("13 y/o", 13)]
    [InlineData("13 y.o. from texas", 13)]
    [InlineData("im thirteen", 13)]
    [InlineData("I'M THIRTEEN", 13)]
    [InlineData("fourteen f", 14)]
    [InlineData("im twenty five", 25)]
    [InlineData("i'm twenty-five", 25)]
    [InlineData("twenty-five m", 25)]
    [InlineData("twenty five yrs", 25)]
    [InlineData("im only 12", 12)]
    [InlineData("a/s/l? 15/f/cali", 15)]
    [InlineData("im 14 years old", 14)]
    public void Real_forms_of_a_self_stated_age_are_read(string text, int age) =>
        Assert.Equal(age, SelfStated(text));

    [Theory]
    [InlineData("13 minutes")]
    [InlineData("be there in 13 minutes")]
    [InlineData("at 10")]
    [InlineData("meet me at 10")]
    [InlineData("at age 10 i moved")]
    [InlineData("1 2 3")]
    [InlineData("i have 2 kids")]
    [InlineData("i have 12 kids")]
    [InlineData("gimme 5")]
    [InlineData("gimme 10 mins")]
    [InlineData("7 30")]
    [InlineData("lets meet 7 30")]
    [InlineData("it costs $15")]
    [InlineData("15 dollars")]
    [InlineData("gg 3 1")]
    [InlineData("we won 13 1 f")]
    [InlineData("score was 21 15")]
    [InlineData("im 10 minutes away")]
    [InlineData("im twenty minutes out")]
    [InlineData("im one of them")]
    [InlineData("been married 13 years")]
    [InlineData("13 years ago")]
    [InlineData("there were 14 guys")]
    [InlineData("level 20 now")]
    [InlineData("room 12")]
    public void Numbers_that_are_not_ages_are_not_read(string text) =>
        Assert.Null(SelfStated(text));

    [Theory]
    [InlineData("umm 15", 15)]
    [InlineData("lol 16", 16)]
    [InlineData("15 u?", 15)]
    [InlineData("fifteen", 15)]
    [InlineData("umm 15 f", 15)]
    public void Bare_answers_to_an_age_question_are_read(string text, int age) =>
        Assert.Equal(age, Answer(text));

    [Theory]
    [InlineData("gimme 10 mins")]
    [InlineData("3 1")]
    [InlineData("at 10")]
    [InlineData("i have 10 kids")]
    [InlineData("7 30")]
    [InlineData("why do you ask 15")]
    [InlineData("lol 5")]
    public void Non_answers_to_an_age_question_are_not_read(string text) =>
        Assert.Null(Answer(text));

    private static ChatMessage Say(string sender, string text) => new(sender, null, text);

    private static StreamingConversationAnalyzer Stream(IEnumerable<Participant> participants, params ChatMessage[] messages)
    {
        var stream = new StreamingConversationAnalyzer(participants);
        foreach (var m in messages) stream.Add(m);
        return stream;
    }

    [Fact]
    public void An_asl_reply_after_an_intervening_message_gives_the_repliers_age()
    {
        var stream = Stream([], Say("x", "asl?"), Say("y", "lol"), Say("y", "umm 15 f"), Say("x", "im 34"));
        var gap = Assert.Single(stream.Snapshot().Indicators, i => i.Family == IndicatorFamily.AgeGap);
        Assert.Equal("x", gap.Participant);
        Assert.Contains("y (stated age 15)", gap.Description);
        Assert.Contains("x (stated age 34)", gap.Description);
        Assert.True(stream.MinorStated);
        Assert.True(stream.AdultStated);
    }

    [Fact]
    public void A_bare_number_after_a_question_and_one_message_is_the_repliers_age()
    {
        var stream = Stream([], Say("x", "how old are you"), Say("y", "why"), Say("y", "lol 14"), Say("x", "i'm 30"));
        var gap = Assert.Single(stream.Snapshot().Indicators, i => i.Family == IndicatorFamily.AgeGap);
        Assert.Contains("y (stated age 14)", gap.Description);
    }

    [Fact]
    public void Answers_more_than_two_replies_late_or_from_the_asker_are_not_ages()
    {
        var late = Stream([], Say("x", "asl"), Say("y", "lol"), Say("y", "hm"), Say("y", "15"), Say("x", "im 30"));
        Assert.DoesNotContain(late.Snapshot().Indicators, i => i.Family == IndicatorFamily.AgeGap);
        Assert.False(late.MinorStated);
        var asker = Stream([], Say("y", "hey"), Say("x", "how old are you"), Say("x", "14?"), Say("y", "hey"), Say("x", "im 30"));
        Assert.False(asker.MinorStated);
        var noAnswer = Stream([], Say("x", "asl"), Say("y", "gimme 10 mins"), Say("y", "at 10"), Say("x", "im 30"));
        Assert.False(noAnswer.MinorStated);
        Assert.True(noAnswer.AdultStated);
    }

    [Fact]
    public void Stated_flags_follow_profiles_and_cues()
    {
        var declared = Stream([new Participant("kid", DeclaredAge: 13)], Say("x", "hi"));
        Assert.True(declared.MinorStated);
        Assert.False(declared.AdultStated);
        var cued = Stream([], Say("x", "my wife is out"), Say("y", "hi"));
        Assert.False(cued.MinorStated);
        Assert.True(cued.AdultStated);
        var none = Stream([], Say("x", "hey"), Say("y", "hi, its 7 30 here"));
        Assert.False(none.MinorStated);
        Assert.False(none.AdultStated);
    }

    // Grooming-stage lines with no age in them; each test adds ages.
    private static readonly string[] Grooming =
        ["you're so mature", "keep this between us", "do your parents check your phone", "send me a pic"];

    private static ChatMessage[] Segment(string sender, params string[] ageLines) =>
        [.. ageLines.Concat(Grooming).Select(t => Say(sender, t))];

    private static double ScoreOf(IEnumerable<Participant> participants, ChatMessage[] messages) =>
        Stream(participants, messages).Score;

    [Fact]
    public void A_minor_age_stated_without_speakers_puts_a_minor_in_the_context()
    {
        var speakerless = Stream([], Segment("", "hey asl", "15 cali u"));
        // The same text from one sender, talking to a participant declared 13: the minor context is explicit.
        var declared = ScoreOf([new Participant("kid", DeclaredAge: 13)], Segment("a", "hey asl", "15 cali u"));
        var unknown = ScoreOf([], Segment("", "hey asl", "lol cali u"));
        Assert.True(speakerless.MinorStated);
        Assert.Equal(declared, speakerless.Score, 12);
        Assert.True(speakerless.Score > unknown + 0.05, $"{speakerless.Score} vs {unknown}");
        Assert.DoesNotContain(speakerless.Snapshot().Indicators, i => i.Family == IndicatorFamily.AgeGap);
    }

    [Fact]
    public void A_run_on_message_answering_asl_states_a_minor_age()
    {
        var runOn = Stream([], Say("", "hey asl 15 cali u " + string.Join(' ', Grooming)));
        var declared = Stream([new Participant("kid", DeclaredAge: 13)], Say("a", "hey asl 15 cali u " + string.Join(' ', Grooming)));
        var unknown = Stream([], Say("", "hey asl cali u " + string.Join(' ', Grooming)));
        Assert.True(runOn.MinorStated);
        Assert.False(unknown.MinorStated);
        Assert.Equal(declared.Score, runOn.Score, 12);
        Assert.True(runOn.Score > unknown.Score + 0.05, $"{runOn.Score} vs {unknown.Score}");
    }

    [Fact]
    public void One_named_sender_and_nobody_else_is_a_conversation_without_speakers()
    {
        var named = ScoreOf([], Segment("seg-17", "asl", "umm 14"));
        var empty = ScoreOf([], Segment("", "asl", "umm 14"));
        var declared = ScoreOf([new Participant("kid", DeclaredAge: 13)], Segment("a", "asl", "umm 14"));
        Assert.Equal(declared, named, 12);
        Assert.Equal(empty, named, 12);
    }

    [Fact]
    public void Only_adult_ages_stated_without_speakers_damp_grooming_signals()
    {
        var speakerless = Stream([], Segment("", "asl", "35 m", "im 40"));
        // The same text from one sender, talking to a participant declared 35: adults only, explicitly.
        var declared = ScoreOf([new Participant("b", DeclaredAge: 35)], Segment("a", "asl", "35 m", "im 40"));
        var unknown = ScoreOf([], Segment("", "asl", "lol", "hm"));
        Assert.True(speakerless.AdultStated);
        Assert.False(speakerless.MinorStated);
        Assert.Equal(declared, speakerless.Score, 12);
        Assert.True(speakerless.Score < unknown - 0.05, $"{speakerless.Score} vs {unknown}");
    }

    [Fact]
    public void A_minor_cue_without_speakers_stops_the_adult_damping()
    {
        var cued = ScoreOf([], Segment("", "im 35 m", "my mum wont let me"));
        var adultsOnly = ScoreOf([], Segment("", "im 35 m"));
        Assert.True(cued > adultsOnly + 0.05, $"{cued} vs {adultsOnly}");
    }

    [Fact]
    public void Minor_and_adult_ages_stated_without_speakers_make_an_age_gap()
    {
        var stream = Stream([], Segment("", "asl", "14 f", "im 35 m"));
        var analysis = stream.Snapshot();
        var gap = Assert.Single(analysis.Indicators, i => i.Family == IndicatorFamily.AgeGap);
        Assert.Equal("stated-ages", gap.Id);
        Assert.Equal(0.6, gap.Strength);
        Assert.Equal("", gap.Participant);
        Assert.Contains("without speaker turns", gap.Description);
        Assert.Contains("35", gap.Description);
        Assert.Contains("14", gap.Description);
        Assert.Equal([1, 2], gap.MessageIndices);
        Assert.Equal([1, 2], analysis.Evidence.Where(e => e.Index is 1 or 2).Select(e => e.Index));
        // The explicit equivalent: an adult by statement talking to a declared minor, also a 0.6 gap.
        var declared = ScoreOf([new Participant("kid", DeclaredAge: 14)], Segment("a", "asl", "14 f", "im 35 m"));
        Assert.Equal(declared, stream.Score, 12);
        var minorOnly = ScoreOf([], Segment("", "asl", "14 f"));
        Assert.True(stream.Score > minorOnly, $"{stream.Score} vs {minorOnly}");
    }

    [Fact]
    public void A_second_sender_restores_per_participant_ages()
    {
        // "x" states 14 alone, then "y" replies: x is the minor, y is not known to be an adult, so no gap and
        // x's own score is no longer raised by the minor context x's own words gave.
        var stream = Stream([], Say("x", "im 14"), Say("x", "send me a pic"), Say("y", "im 30"));
        Assert.DoesNotContain(stream.Snapshot().Indicators, i => i.Id == "stated-ages");
        var reference = Stream([], Say("x", "im 14"), Say("x", "send me a pic"), Say("y", "hey"));
        var withoutAges = Stream([], Say("x", "hi"), Say("x", "send me a pic"), Say("y", "hey"));
        Assert.Equal(withoutAges.Score, reference.Score, 12);
    }

    [Fact]
    public void Batch_and_streaming_agree_on_a_segment()
    {
        var messages = Segment("", "asl", "14 f", "im 35 m");
        var batch = new ConversationAnalyzer().Analyze(new Conversation("seg", [], messages));
        var streamed = Stream([], messages).Snapshot();
        Assert.Equal(batch.Score, streamed.Score);
        Assert.Equal(batch.Indicators.Select(i => i.Id), streamed.Indicators.Select(i => i.Id));
    }
}
