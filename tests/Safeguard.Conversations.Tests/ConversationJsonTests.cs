using System.Text;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Tests;

public class ConversationJsonTests
{
    private static Conversation Parse(string json) => ConversationJson.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_participants_messages_and_timestamps()
    {
        var c = Parse("""
            {"id":"c1","participants":[{"id":"a","declaredAge":34,"accountAgeDays":3},{"id":"b"}],
             "messages":[{"sender":"a","timestamp":"2026-01-01T10:00:00Z","text":"hi"},
                         {"sender":"b","timestamp":1767261660,"text":"hey"},
                         {"sender":"a","text":"no time"}]}
            """);
        Assert.Equal(34, c.Participants[0].DeclaredAge);
        Assert.Equal(3, c.Participants[0].AccountAgeDays);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), c.Messages[0].Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 1, 0, TimeSpan.Zero), c.Messages[1].Timestamp);
        Assert.Null(c.Messages[2].Timestamp);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "top level")]
    [InlineData("{}", "missing \"messages\"")]
    [InlineData("""{"messages":{}}""", "must be an array")]
    [InlineData("""{"messages":[{"text":"x"}]}""", "messages[0] has no \"sender\"")]
    [InlineData("""{"messages":[{"sender":"a","timestamp":"yesterday"}]}""", "messages[0].timestamp")]
    [InlineData("""{"participants":[{"id":"a","declaredAge":-4}],"messages":[]}""", "declaredAge")]
    [InlineData("""{"messages":[],"label":"maybe"}""", "label")]
    public void Malformed_input_gives_a_clear_error(string json, string expected)
    {
        var ex = Assert.Throws<ConversationFormatException>(() => Parse(json));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Invalid_utf8_is_a_clear_error()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"messages":[{"sender":"a","text":"XX"}]}""");
        var i = Array.IndexOf(bytes, (byte)'X');
        bytes[i] = 0xC3; bytes[i + 1] = 0x28; // invalid two-byte sequence
        var ex = Assert.Throws<ConversationFormatException>(() => ConversationJson.Parse(bytes));
        Assert.Contains("JSON", ex.Message);
    }

    [Fact]
    public void Escaped_lone_surrogates_are_a_clear_error()
    {
        var ex = Assert.Throws<ConversationFormatException>(() => Parse("""{"messages":[{"sender":"a","text":"\ud800 hi"}]}"""));
        Assert.Contains("Unicode", ex.Message);
    }

    [Fact]
    public void Megabyte_messages_with_direction_and_zero_width_characters_are_analysed()
    {
        var big = string.Concat(Enumerable.Repeat("ok ", 350_000)); // about 1 MB
        var c = Parse($$"""{"messages":[{"sender":"a","text":"\u202esend me a p\u200bic\u202c"},{"sender":"a","text":"{{big}}"}]}""");
        var a = new Analysis.ConversationAnalyzer().Analyze(c);
        Assert.Contains(a.Indicators, i => i.Id == "photo-request");
        Assert.Equal(2, a.MessageCount);
    }
}
