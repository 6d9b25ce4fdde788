using static Safeguard.Cli.Tests.TmkCliRunner;

namespace Safeguard.Cli.Tests;

/// <summary>`bench tmk` runs end to end on a tiny folder (figures are not checked: the machine is shared).</summary>
public sealed class BenchTmkCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-cli-bench-tmk-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Without_the_reference_tool_it_times_our_runs_only()
    {
        File.Copy(TestData.VpdqFile("videos/doorknob-hd-no-bar.mp4"), Path.Combine(_dir, "doorknob.mp4"));
        var r = Run(["bench", "tmk", "--videos", _dir, "--rounds", "1"], new Dictionary<string, string> { ["SAFEGUARD_TMK_REFERENCE"] = "" });
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("| safeguard video tmk", r.Out);
        Assert.Contains("| TMK alone", r.Out);
        Assert.Contains("+ TMK from one decode", r.Out);
        Assert.DoesNotContain("| Meta's", r.Out);
        Assert.Contains("Meta's tool not given", r.Out);
    }

    [Fact]
    public void A_missing_reference_tool_or_folder_is_a_usage_error()
    {
        Assert.Equal(2, Run(["bench", "tmk", "--videos", _dir, "--reference", Path.Combine(_dir, "no-such-tool")]).Exit);
        Assert.Equal(2, Run(["bench", "tmk", "--videos", Path.Combine(_dir, "no-such-folder")]).Exit);
        Assert.Equal(2, Run(["bench", "tmk", "--videos", _dir]).Exit); // no videos in it
    }
}
