using System.Text;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Tests;

/// <summary>Inputs that once crashed the conversation reader; each must now give a clear error.</summary>
public sealed class FuzzCrashTests
{
    [Theory]
    // long.MinValue: Math.Abs threw OverflowException (found while writing the fuzzing dictionary's integer limits).
    [InlineData("-9223372036854775808")]
    [InlineData("9223372036854775807")]
    [InlineData("-9223372036854775807")]
    public void An_extreme_unix_timestamp_is_out_of_range_not_an_overflow(string timestamp)
    {
        var json = $$"""{"messages":[{"sender":"a","timestamp":{{timestamp}}}]}""";
        var ex = Assert.Throws<ConversationFormatException>(() => ConversationJson.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Equal("messages[0].timestamp is out of range", ex.Message);
    }

    [Theory]
    // Just inside the range, in milliseconds and in seconds, on both sides of 1970.
    [InlineData(-100_000_000_001L, -100_000_000L)]
    [InlineData(100_000_000_001L, 100_000_000L)]
    [InlineData(-62_135_596_800L, -62_135_596_800L)]
    public void Large_timestamps_either_side_of_1970_are_read_as_milliseconds(long value, long seconds)
    {
        var json = $$"""{"messages":[{"sender":"a","timestamp":{{value}}}]}""";
        var c = ConversationJson.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(seconds), c.Messages[0].Timestamp);
    }
}
