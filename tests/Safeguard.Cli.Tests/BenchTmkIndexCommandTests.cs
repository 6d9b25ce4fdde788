namespace Safeguard.Cli.Tests;

/// <summary>`bench tmk-index` runs the level-1 pass and checks it against brute force itself; bad sizes are usage errors.</summary>
public sealed class BenchTmkIndexCommandTests : CliFixture
{
    [Fact]
    public void Reports_the_query_time_and_refuses_bad_sizes()
    {
        var r = RunOk("bench", "tmk-index", "--videos", "3000", "--queries", "20");
        Assert.Contains("3,000 videos", r.Out);
        Assert.Contains("query: median", r.Out);
        Assert.Contains("(20 queries, 10 matches at 0.7)", r.Out); // each copy of a banked video finds exactly it
        Assert.Equal(2, Run("bench", "tmk-index", "--videos", "0").Exit);
    }
}
