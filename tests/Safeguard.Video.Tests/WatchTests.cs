using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;
using Safeguard.Video.Streams;
using Xunit.Abstractions;

namespace Safeguard.Video.Tests;

/// <summary>
/// End to end: FFmpeg serves a live MPEG-TS stream on loopback showing benign test photos, one of
/// which is in the bank; the watcher must alert on it within 2 seconds of its appearance.
/// </summary>
public sealed class WatchTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Photos =
    [
        "reg-test-input/labelme-subset/q0003.jpg",
        "reg-test-input/pen-and-coaster.png",
        "reg-test-input/dih/bridge-1-original.jpg",
        "reg-test-input/labelme-subset/q0003.jpg",
    ];
    private const int BankedIndex = 2;
    private const double SegmentSeconds = 2.5;


    private string MakeClip() => MakeClip(SegmentSeconds, "clip.ts");

    private string MakeClip(double segmentSeconds, string name)
    {
        // Each photo for SegmentSeconds at 640x480, 25 fps, H.264 with a keyframe every second.
        var args = new List<string>();
        foreach (var p in Photos) args.AddRange(["-loop", "1", "-framerate", "25", "-t", segmentSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", TestData.PdqFile(p)]);
        var chains = string.Join(';', Photos.Select((_, i) => $"[{i}:v]scale=640:480,setsar=1,format=yuv420p[v{i}]"));
        var concat = string.Concat(Photos.Select((_, i) => $"[v{i}]")) + $"concat=n={Photos.Length}:v=1:a=0[out]";
        string clip = _dir.File(name);
        args.AddRange(["-filter_complex", $"{chains};{concat}", "-map", "[out]", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-f", "mpegts", clip]);
        Ffmpeg.Run([.. args]);
        return clip;
    }

    private static PdqIndex BankOf(string photo)
    {
        var r = new FileHasher(new FileHashOptions { Signals = HashSignals.Pdq, Sizing = PdqSizing.FullResolution }).HashFile(TestData.PdqFile(photo));
        return PdqIndex.Build([r.Pdq!.Value.Hash], [42]);
    }

    [Fact]
    [Trait("Timing", "wall-clock")]
    public async Task AlertsWithinTwoSecondsOfTheBankedFrameAppearingInALiveStream()
    {
        string clip = MakeClip();
        int port = FreePort.Next();
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-re", "-i", clip, "-c", "copy", "-f", "mpegts", $"tcp://127.0.0.1:{port}?listen=1" })
            psi.ArgumentList.Add(a);
        using var server = Process.Start(psi)!;
        _ = server.StandardError.ReadToEndAsync();
        try
        {
            Thread.Sleep(300);
            var alerts = new ConcurrentQueue<(WatchAlert Alert, double WallSeconds)>();
            var statuses = new ConcurrentQueue<WatchStatus>();
            var sw = Stopwatch.StartNew();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var watcher = new StreamWatcher($"tcp://127.0.0.1:{port}", BankOf(Photos[BankedIndex]),
                new WatchOptions { SampleRate = 2, StallTimeout = TimeSpan.FromSeconds(5), Reconnect = false },
                a => alerts.Enqueue((a, sw.Elapsed.TotalSeconds)), statuses.Enqueue);
            var run = Task.Run(() => { try { watcher.Run(cts.Token); } catch (VideoException) { } });
            await run.WaitAsync(TimeSpan.FromSeconds(40));
            foreach (var s in statuses) output.WriteLine($"status {s.Event} {s.Message} frames={s.FramesHashed} lag={s.LagSeconds:F2}");
            var (alert, wall) = Assert.Single(alerts);
            output.WriteLine($"alert at stream time {alert.StreamTime:F2} s, wall {wall:F2} s, distance {alert.Distance}, lag {alert.LagSeconds:F2} s");
            Assert.Equal(42, alert.MatchId);
            double appears = BankedIndex * SegmentSeconds;
            Assert.InRange(alert.StreamTime, appears - 0.05, appears + 1.0);
            // The server cannot send the frame before the watcher started plus its stream time, so
            // this over-estimates the latency.
            double latency = wall - appears;
            output.WriteLine($"latency from appearance (upper bound): {latency:F2} s");
            Assert.True(latency < 2.0, $"alert {latency:F2} s after the frame appeared");
            Assert.True(watcher.FramesHashed >= (Photos.Length * SegmentSeconds - 1) * 2, $"only {watcher.FramesHashed} frames hashed");
        }
        finally
        {
            if (!server.HasExited) server.Kill(true);
        }
    }

    [Fact]
    public void SceneChangesAddFramesBetweenSamples()
    {
        // One sample every 10 s would see only the first photo; scene detection catches each cut.
        string clip = MakeClip(1.3, "cuts.ts");
        var bank = BankOf(Photos[BankedIndex]);
        var withScenes = new List<WatchAlert>();
        var scenes = new StreamWatcher(clip, bank, new WatchOptions { SampleRate = 0.1, SceneThreshold = 0.3 }, withScenes.Add);
        scenes.Run(CancellationToken.None);
        var without = new List<WatchAlert>();
        var plain = new StreamWatcher(clip, bank, new WatchOptions { SampleRate = 0.1, SceneThreshold = 0 }, without.Add);
        plain.Run(CancellationToken.None);
        output.WriteLine($"frames hashed: {scenes.FramesHashed} with scene detection, {plain.FramesHashed} without");
        Assert.Equal(1, plain.FramesHashed);
        Assert.True(scenes.FramesHashed >= Photos.Length, $"{scenes.FramesHashed} frames");
        Assert.Empty(without);
        var alert = Assert.Single(withScenes);
        Assert.InRange(alert.StreamTime, BankedIndex * 1.3 - 0.05, BankedIndex * 1.3 + 0.1);
    }

    [Fact]
    public void AlertFramesAreStoredOnlyWhenConfigured()
    {
        string clip = MakeClip(1.0, "short.ts");
        var bank = BankOf(Photos[BankedIndex]);
        var alerts = new List<WatchAlert>();
        new StreamWatcher(clip, bank, new WatchOptions(), alerts.Add).Run(CancellationToken.None);
        Assert.All(alerts, a => Assert.Null(a.SavedFrame));
        Assert.Single(Directory.GetFiles(_dir.Path)); // only the clip: nothing else written
        var keep = _dir.File("evidence");
        alerts.Clear();
        new StreamWatcher(clip, bank, new WatchOptions { AlertFrameDirectory = keep }, alerts.Add).Run(CancellationToken.None);
        var saved = Assert.Single(alerts).SavedFrame;
        Assert.NotNull(saved);
        Assert.Equal([saved], Directory.GetFiles(keep));
        // The stored frame is the alerting one: it hashes to a match again.
        var r = new FileHasher(new FileHashOptions { Signals = HashSignals.Pdq, Sizing = PdqSizing.FullResolution }).HashFile(saved!);
        Assert.True(r.Pdq!.Value.Hash.DistanceTo(alerts[0].Hash) <= 2);
    }

    [Fact]
    public void GarbageAndStalledStreamsAreReportedAndRetriedWithoutHanging()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource();
        var serve = Task.Run(async () =>
        {
            var rng = new Random(1);
            int n = 0;
            while (!cts.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(cts.Token);
                var stream = client.GetStream();
                if (n++ % 2 == 0)
                {
                    var junk = new byte[64 * 1024];
                    rng.NextBytes(junk);
                    try { await stream.WriteAsync(junk, cts.Token); } catch (IOException) { }
                }
                else
                {
                    try { await Task.Delay(4000, cts.Token); } catch (OperationCanceledException) { } // stall
                }
            }
        });
        var statuses = new ConcurrentQueue<WatchStatus>();
        var watcher = new StreamWatcher($"tcp://127.0.0.1:{port}", PdqIndex.Build([], []),
            new WatchOptions { StallTimeout = TimeSpan.FromSeconds(2), ReconnectInitial = TimeSpan.FromMilliseconds(100), ReconnectMax = TimeSpan.FromMilliseconds(400) },
            _ => { }, statuses.Enqueue);
        var sw = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        watcher.Run(stop.Token);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"watcher hung for {sw.Elapsed}");
        cts.Cancel();
        listener.Stop();
        foreach (var s in statuses) output.WriteLine($"{s.Event}: {s.Message} (reconnects {s.Reconnects})");
        var drops = statuses.Where(s => s.Event == "disconnected").ToList();
        Assert.True(drops.Count >= 2, "expected repeated disconnects");
        Assert.All(drops, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
        Assert.True(drops.Max(d => d.Reconnects) >= 1);
    }
}
