using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>scripts/build-stale.sh, the `./safeguard` wrapper's "build again?" check, on a made-up tree.</summary>
public sealed class WrapperStalenessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("safeguard-stale-").FullName;
    private string Stamp => Path.Combine(_root, "artifacts", ".built");
    private static readonly DateTime Built = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    public WrapperStalenessTests()
    {
        Touch("src/App/Program.cs", Built.AddHours(-1));
        Touch("artifacts/.built", Built);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Touch(string relative, DateTime at)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        File.SetLastWriteTimeUtc(path, at);
    }

    private (int Exit, string Out) Check()
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(Repository.Root, "scripts", "build-stale.sh"));
        psi.ArgumentList.Add(_root);
        psi.ArgumentList.Add(Stamp);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        return (p.ExitCode, output.Trim());
    }

    [Fact]
    public void Sources_older_than_the_stamp_need_no_build() => Assert.Equal((1, ""), Check());

    [Fact]
    public void Build_outputs_newer_than_the_stamp_need_no_build()
    {
        Touch("src/App/bin/Release/net10.0/App.deps.json", Built.AddMinutes(1));
        Touch("src/App/obj/project.assets.json", Built.AddMinutes(1));
        Touch("src/App/obj/Release/net10.0/App.AssemblyInfo.cs", Built.AddMinutes(1));
        Assert.Equal((1, ""), Check());
    }

    [Fact]
    public void A_changed_source_or_data_file_needs_a_build()
    {
        Touch("src/App/Changed.cs", Built.AddMinutes(1));
        Assert.Equal((0, Path.Combine(_root, "src/App/Changed.cs")), Check());
    }

    [Fact]
    public void A_changed_payments_setting_needs_a_build()
    {
        Touch("data/payments/indicators.json", Built.AddMinutes(1));
        Assert.Equal(0, Check().Exit);
    }

    [Fact]
    public void No_stamp_needs_a_build()
    {
        File.Delete(Stamp);
        Assert.Equal(0, Check().Exit);
    }
}
