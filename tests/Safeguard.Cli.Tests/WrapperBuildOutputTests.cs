using System.Diagnostics;

namespace Safeguard.Cli.Tests;

/// <summary>
/// The `./safeguard` wrapper's build step, in a copy of the wrapper whose `dotnet` is a stand-in
/// script: silent when the build succeeds (no "Build succeeded" summary), the build's whole output
/// when it fails.
/// </summary>
public sealed class WrapperBuildOutputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("safeguard-wrapper-").FullName;

    private const string FakeDotnet = """
        #!/usr/bin/env bash
        if [ "$1" = build ]; then
          echo "  Determining projects to restore..."
          if [ -n "${FAKE_BUILD_FAIL:-}" ]; then echo "Program.cs(1,1): error CS1002: ; expected"; exit 1; fi
          echo "Build succeeded."
          while [ $# -gt 0 ]; do if [ "$1" = -o ]; then mkdir -p "$2"; touch "$2/safeguard.dll"; fi; shift; done
          exit 0
        fi
        shift  # the program's path
        echo "ran $*"
        """;

    public WrapperBuildOutputTests()
    {
        File.Copy(Path.Combine(Repository.Root, "safeguard"), Path.Combine(_root, "safeguard"));
        Directory.CreateDirectory(Path.Combine(_root, "scripts"));
        File.Copy(Path.Combine(Repository.Root, "scripts", "build-stale.sh"), Path.Combine(_root, "scripts", "build-stale.sh"));
        Write("scripts/ensure-deps.sh", "#!/usr/bin/env bash\nexit 0\n");
        Write("bin/dotnet", FakeDotnet.Replace("\r", "") + "\n");
        Write("src/App/Program.cs", "");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    private (int Exit, string Out, string Err) Wrapper(bool failBuild = false)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(_root, "safeguard"));
        psi.ArgumentList.Add("hash");
        psi.Environment["PATH"] = Path.Combine(_root, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        if (failBuild) psi.Environment["FAKE_BUILD_FAIL"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000));
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void A_successful_build_prints_only_that_it_builds_and_the_next_run_does_not_build()
    {
        var first = Wrapper();
        Assert.Equal(0, first.Exit);
        Assert.Equal("safeguard: building...\n", first.Err);
        Assert.Equal("ran hash\n", first.Out);
        Assert.True(File.Exists(Path.Combine(_root, "artifacts", "cli", ".built")));

        var second = Wrapper();
        Assert.Equal(0, second.Exit);
        Assert.Equal("", second.Err);
    }

    [Fact]
    public void A_failed_build_prints_its_output_and_exits_2()
    {
        var r = Wrapper(failBuild: true);
        Assert.Equal(2, r.Exit);
        Assert.Contains("error CS1002", r.Err);
        Assert.Contains("safeguard: the build failed", r.Err);
        Assert.Equal("", r.Out);
    }
}
