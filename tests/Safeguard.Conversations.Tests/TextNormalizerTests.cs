using Safeguard.Conversations.Lexicons;

namespace Safeguard.Conversations.Tests;

public class TextNormalizerTests
{
    private static string Norm(string text) => string.Join(' ', LexiconSet.Default.Normalizer.Normalize(text).Tokens);

    [Theory]
    [InlineData("s3nd me a p1c", "send me a pic")]
    [InlineData("S E N D  M E  P I C S", "send me pic")]
    [InlineData("s.e.n.d m.e a p.i.c", "send me a pic")]
    [InlineData("$end n00dz", "send nude")]
    [InlineData("3v3ry0n3 w1ll s33", "everyone will see")]
    [InlineData("ｓｅｎｄ ｐｉｃ", "send pic")]
    [InlineData("𝐬𝐞𝐧𝐝 𝐩𝐢𝐜", "send pic")]
    [InlineData("sеnd рic", "send pic")] // Cyrillic е and р
    [InlineData("se\u200Bnd pi\u200Dc", "send pic")]
    [InlineData("\u202Esend\u202C pic", "send pic")]
    [InlineData("séñd pïc", "send pic")]
    [InlineData("DON'T tell anyone", "dont tell anyone")]
    [InlineData("don’t tell", "dont tell")]
    [InlineData("nuuudes sooo", "nude so")]
    [InlineData("🤫 📸", "secret photo")]
    [InlineData("u r cute", "you are cute")]
    public void Normalises_obfuscated_text(string input, string expected) => Assert.Equal(expected, Norm(input));

    [Fact]
    public void Keeps_numbers_and_ordinals_apart_from_leetspeak()
    {
        Assert.Equal("im 13 in 8th grade", Norm("I'm 13, in 8th grade"));
        Assert.Equal("14 yo", Norm("14yo"));
        Assert.Equal("50 dollars", Norm("$50"));
        Assert.Equal("jake22", Norm("jake22"));
    }

    [Fact]
    public void Turns_links_and_handles_into_markers()
    {
        Assert.Equal("join url:t.me", Norm("join https://t.me/secretroom"));
        Assert.Equal("url:wa.me", Norm("wa.me/4477001122"));
        Assert.Equal("my snap is handle", Norm("my snap is @kai.waves"));
    }

    [Fact]
    public void Survives_lone_surrogates_and_control_characters()
    {
        var text = "send\uD800 pic\u0000\u0007 now\uDC00";
        Assert.Equal("send pic now", Norm(text));
    }

    [Fact]
    public void Bounds_very_long_messages()
    {
        var huge = string.Concat(Enumerable.Repeat("lol ", 400_000)); // 1.6 M characters
        var result = LexiconSet.Default.Normalizer.Normalize(huge);
        Assert.True(result.Truncated);
        Assert.InRange(result.Tokens.Length, 200_000, 270_000);
    }

    [Fact]
    public void Spaced_letters_that_are_not_words_stay_together()
    {
        Assert.Equal("qzxv", Norm("q z x v"));
    }
}
