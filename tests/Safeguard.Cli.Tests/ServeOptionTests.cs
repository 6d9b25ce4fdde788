namespace Safeguard.Cli.Tests;

/// <summary>`safeguard serve` refuses impossible video and audit checkpoint limits before it opens a database or a port.</summary>
public sealed class ServeOptionTests
{
    [Theory]
    [InlineData("--max-videos", "0", "--max-videos must be at least 1")]
    [InlineData("--video-timeout", "0", "--video-timeout must be 1..86400 seconds")]
    [InlineData("--video-timeout", "NaN", "--video-timeout must be 1..86400 seconds")]
    [InlineData("--audit-checkpoint-interval", "0.5", "--audit-checkpoint-interval must be 0 or 1..86400 seconds")]
    [InlineData("--audit-checkpoint-interval", "100000", "--audit-checkpoint-interval must be 0 or 1..86400 seconds")]
    [InlineData("--claim-minutes", "0", "--claim-minutes must be 1..1440")]
    [InlineData("--claim-minutes", "NaN", "--claim-minutes must be 1..1440")]
    public void Impossible_video_limits_are_usage_errors(string option, string value, string message)
    {
        var db = Path.Combine(Path.GetTempPath(), $"sg-serve-options-{Guid.NewGuid():N}", "never.db");
        var r = SafeguardProcess.Run(["serve", "--urls", "http://127.0.0.1:1", "--no-demo", "--db", db, option, value]);
        Assert.Equal(2, r.Exit);
        Assert.Contains(message, r.Err);
        Assert.False(File.Exists(db));
    }
}
