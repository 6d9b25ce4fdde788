using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard watch --service`: an alert becomes a review item on a real `safeguard serve`.</summary>
public sealed class WatchServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-watch-svc-").FullName;
    private Process? _server;

    public void Dispose()
    {
        if (_server is { HasExited: false }) _server.Kill(entireProcessTree: true);
        _server?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnAlertBecomesAReviewItem(bool withFrame)
    {
        string db = Path.Combine(_dir, "sg.db");
        string demo = Path.Combine(_dir, "demo");
        Directory.CreateDirectory(demo);
        string bridge = Path.Combine(CliFixture.Pdq, "bridge-mods", "aaa-orig.jpg");
        File.Copy(bridge, Path.Combine(demo, "bridge.jpg"));

        var key = SafeguardProcess.Run(["keys", "create", "watcher", "--roles", "admin", "--db", db]);
        Assert.Equal(0, key.Exit);
        string secret = key.Out.Trim();

        int port = FreePort.Next();
        string url = $"http://127.0.0.1:{port}";
        // The audit signing key beside the test database, not in the user's data directory.
        var psi = CliFixture.StartInfo(["serve", "--db", db, "--urls", url, "--demo-images", demo, "--audit-key", db + ".audit-signing.key"]);
        _server = Process.Start(psi)!;
        _ = _server.StandardOutput.ReadToEndAsync();
        _ = _server.StandardError.ReadToEndAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        await CliFixture.WaitReadyAsync(http, url);

        // Three seconds of video showing the bridge photo, which the demo bank holds.
        string video = Path.Combine(_dir, "bridge.mp4");
        var ff = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-y", "-loop", "1", "-i", bridge, "-t", "3", "-r", "5",
            "-vf", "scale=800:502", "-pix_fmt", "yuv420p", video]))!;
        ff.WaitForExit();
        Assert.Equal(0, ff.ExitCode);

        var args = new List<string> { "watch", video, "--db", db, "--service", url, "--no-reconnect" };
        if (withFrame) args.AddRange(["--save-alert-frames", Path.Combine(_dir, "frames")]);
        var watchPsi = CliFixture.StartInfo(args);
        watchPsi.Environment["SAFEGUARD_API_KEY"] = secret;
        using var watch = Process.Start(watchPsi)!;
        watch.StandardInput.Close();
        var outText = watch.StandardOutput.ReadToEndAsync();
        var errText = watch.StandardError.ReadToEndAsync();
        Assert.True(watch.WaitForExit(120_000), "watch did not finish");
        string output = await outText, errors = await errText;
        Assert.True(watch.ExitCode == 0, errors);
        Assert.Contains("\"type\":\"alert\"", output);
        Assert.DoesNotContain(secret, output + errors);

        using var items = JsonDocument.Parse(await http.GetStringAsync($"{url}/v1/review/items"));
        var list = items.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(list);
        var kinds = list.Select(i => i.GetProperty("kind").GetString()).ToList();
        Assert.Contains(withFrame ? "submitted" : "hash-hit", kinds);
    }

}
