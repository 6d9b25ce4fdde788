using System.Collections.Concurrent;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;
using Safeguard.Signals;
using Safeguard.Video;
using Safeguard.Video.Streams;

namespace Safeguard.Cli.Commands.Video;

/// <summary><c>safeguard watch SOURCE</c>: hash a live stream in real time and alert on bank matches.</summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SOURCE") { Description = "A video file, '-' (standard input), or a stream URL (rtmp://, rtsp://, http(s):// incl. HLS .m3u8, srt://, tcp://, udp://)." };
        var banks = new Option<string[]>("--bank") { Description = "Banks to match against (default: all); PDQ entries and vPDQ frames are used.", AllowMultipleArgumentsPerToken = true };
        var rate = new Option<double>("--rate") { Description = "Frames hashed per second of stream.", DefaultValueFactory = _ => 2 };
        var scene = new Option<double>("--scene") { Description = "Also hash frames whose scene-change score exceeds this (0..1; 0 disables).", DefaultValueFactory = _ => 0.3 };
        var threshold = new Option<int>("--threshold") { Description = $"PDQ match distance (0..{SignalTypes.Pdq.MaxThreshold}).", DefaultValueFactory = _ => SignalTypes.Pdq.DefaultThreshold };
        var webhook = new Option<string?>("--webhook") { Description = "POST each alert's JSON to this URL (5 s timeout; failures are reported, never retried forever)." };
        var saveFrames = new Option<string?>("--save-alert-frames") { Description = "Keep the frames that raised alerts as PNG in this folder (default: store nothing)." };
        var realtime = new Option<bool>("--realtime") { Description = "Read a file at its own frame rate, as if live." };
        var stall = new Option<double>("--stall-timeout") { Description = "Seconds without a frame before the stream counts as dropped.", DefaultValueFactory = _ => 10 };
        var noReconnect = new Option<bool>("--no-reconnect") { Description = "Stop when the stream drops instead of reconnecting with back-off." };
        var tmkWindow = new Option<double>("--tmk-window")
        {
            Description = "Also match a rolling TMK+PDQF of the last this-many seconds of stream against banked tmk entries (0: off), from the same decode.",
        };
        var tmkInterval = new Option<double>("--tmk-interval") { Description = "Seconds between rolling-TMK matches.", DefaultValueFactory = _ => 30 };
        var tmkLevel1 = new Option<float>("--tmk-level1") { Description = "TMK level-1 threshold (-1..1).", DefaultValueFactory = _ => SignalTypes.Tmk.DefaultLevel1Threshold };
        var tmkLevel2 = new Option<float>("--tmk-level2") { Description = "TMK level-2 threshold (-1..1).", DefaultValueFactory = _ => SignalTypes.Tmk.DefaultLevel2Threshold };
        var service = new Option<string?>("--service")
        {
            Description = "A Safeguard service (e.g. http://127.0.0.1:5080): each alert becomes a review item there, with the frame when "
                + "--save-alert-frames keeps it. The API key (matcher role) is read from $SAFEGUARD_API_KEY.",
        };
        var command = new Command("watch", "Watch a file or live stream: sample frames, hash, match PDQ/vPDQ banks, print one JSON line per alert (and status lines on stderr).")
        {
            source, banks, rate, scene, threshold, webhook, saveFrames, realtime, stall, noReconnect, service,
            tmkWindow, tmkInterval, tmkLevel1, tmkLevel2,
        };
        command.SetAction(p =>
        {
            double r = p.GetValue(rate), s = p.GetValue(scene);
            if (!(r > 0) || r > 120) throw new UsageException("--rate must be in (0, 120]");
            if (s is < 0 or > 1) throw new UsageException("--scene must be 0..1");
            string? hook = p.GetValue(webhook);
            if (hook is not null && !(Uri.TryCreate(hook, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https")))
                throw new UsageException("--webhook must be an http(s) URL");
            string? serviceUrl = p.GetValue(service);
            string? serviceKey = Environment.GetEnvironmentVariable("SAFEGUARD_API_KEY");
            if (serviceUrl is not null)
            {
                if (!(Uri.TryCreate(serviceUrl, UriKind.Absolute, out var su) && (su.Scheme == "http" || su.Scheme == "https")))
                    throw new UsageException("--service must be an http(s) URL");
                if (string.IsNullOrWhiteSpace(serviceKey))
                    throw new UsageException("--service needs an API key with the matcher role in $SAFEGUARD_API_KEY");
            }
            double window = p.GetValue(tmkWindow), every = p.GetValue(tmkInterval);
            if (!(window >= 0) || window > 24 * 3600) throw new UsageException("--tmk-window must be 0..86400 seconds");
            if (!(every > 0) || every > 24 * 3600) throw new UsageException("--tmk-interval must be in (0, 86400] seconds");
            var policy = new MatchPolicy { Threshold = p.GetValue(threshold), TmkLevel1Threshold = p.GetValue(tmkLevel1), TmkLevel2Threshold = p.GetValue(tmkLevel2) };
            if (policy.Validate() is { } problem) throw new UsageException($"--{problem}");
            var options = new WatchOptions
            {
                SampleRate = r, SceneThreshold = s, Distance = policy.Threshold, MinQuality = policy.MinQuality, Realtime = p.GetValue(realtime),
                StallTimeout = TimeSpan.FromSeconds(Math.Max(1, p.GetValue(stall))),
                Reconnect = p.GetValue(noReconnect) ? false : null,
                AlertFrameDirectory = p.GetValue(saveFrames),
                TmkWindow = window > 0 ? TimeSpan.FromSeconds(window) : null,
                TmkInterval = TimeSpan.FromSeconds(every),
            };
            return BankCommandSupport.Run(p, async store =>
            {
                var index = await BankIndex.LoadAsync(store, p.GetValue(banks));
                return Run(p.GetValue(source)!, new Matcher(index, policy), options, hook, serviceUrl is null ? null : new ReviewReporter(serviceUrl, serviceKey!));
            });
        });
        return command;
    }

    /// <summary>Frames go through the engine's matcher: PDQ entries and banked videos' frames.</summary>
    private sealed class EngineFrames(Matcher matcher) : IFrameMatcher
    {
        public void Match(in Hash256 frame, int quality, List<PdqMatch> hits) => matcher.MatchFrame(frame, quality, hits);
    }

    /// <summary>The rolling TMK goes through the engine's TMK index at the policy's thresholds; hits are named by bank entry id.</summary>
    private sealed class EngineTmkWindow(Matcher matcher) : ITmkWindowMatcher
    {
        private readonly List<Match> _found = [];
        private readonly ConcurrentDictionary<long, MatchedEntry> _entries = new();

        public MatchedEntry EntryOf(long id) => _entries[id];

        public void Match(Safeguard.Hashing.Tmk.TmkFeatures window, List<TmkWindowHit> hits)
        {
            _found.Clear();
            matcher.Index.MatchTmk(window, matcher.Policy.TmkLevel1Threshold, matcher.Policy.TmkLevel2Threshold, _found);
            foreach (var m in _found)
            {
                _entries[m.Entry.Id] = m.Entry;
                hits.Add(new TmkWindowHit(m.Entry.Id, m.TmkLevel1 ?? 0, m.TmkLevel2));
            }
        }
    }

    private static int Run(string source, Matcher matcher, WatchOptions options, string? webhook, ReviewReporter? reviews)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        using var hooks = webhook is null ? null : new WebhookSender(webhook);
        using var reviewSender = reviews;
        var stdout = Console.Out;
        Console.Error.WriteLine($"safeguard: watching {Redact(source)} against {matcher.Index.FrameTargets} frame hashes"
            + (options.TmkWindow is { } w ? $" and {matcher.Index.TmkCount} TMK videos (rolling {w.TotalSeconds:0.#} s window)" : ""));
        var tmkWindow = options.TmkWindow is null ? null : new EngineTmkWindow(matcher);
        var watcher = new StreamWatcher(source, new EngineFrames(matcher), options,
            alert =>
            {
                var json = JsonSerializer.Serialize(new
                {
                    type = "alert", source = Redact(alert.Source), detected_at = alert.DetectedAt, stream_time = Math.Round(alert.StreamTime, 3),
                    pdq = alert.Hash.ToString(), quality = alert.Quality, distance = alert.Distance, lag_seconds = Math.Round(alert.LagSeconds, 3),
                    entry = VideoCommand.Entry(matcher.Index.EntryOf(alert.MatchId)), saved_frame = alert.SavedFrame,
                });
                lock (stdout) { stdout.WriteLine(json); stdout.Flush(); }
                hooks?.Post(json);
                reviewSender?.Post(alert with { Source = Redact(alert.Source) });
            },
            status => Console.Error.WriteLine(JsonSerializer.Serialize(new
            {
                type = status.Event, source = Redact(status.Source), at = status.At, message = status.Message,
                frames_hashed = status.FramesHashed, stream_time = Math.Round(status.StreamTime, 3), lag_seconds = Math.Round(status.LagSeconds, 3), reconnects = status.Reconnects,
            })))
        {
            TmkMatcher = tmkWindow,
            OnTmkAlert = alert =>
            {
                var json = JsonSerializer.Serialize(new
                {
                    type = "tmk_alert", source = Redact(alert.Source), detected_at = alert.DetectedAt, stream_time = Math.Round(alert.StreamTime, 3),
                    window_seconds = Math.Round(alert.WindowSeconds, 3), tmk_level1 = Math.Round(alert.Level1, 6), tmk_level2 = alert.Level2 is { } l2 ? Math.Round(l2, 6) : (double?)null,
                    entry = VideoCommand.Entry(tmkWindow!.EntryOf(alert.MatchId)),
                });
                lock (stdout) { stdout.WriteLine(json); stdout.Flush(); }
                hooks?.Post(json);
            },
        };
        try
        {
            watcher.Run(cancel.Token);
            return ExitCodes.Ok;
        }
        catch (VideoException ex)
        {
            Console.Error.WriteLine($"safeguard: {Redact(source)}: {ex.Message}");
            return ExitCodes.SomeFailed;
        }
    }

    /// <summary>Stream URLs may carry credentials (rtsp://user:pass@...): never print them.</summary>
    internal static string Redact(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var u) && !string.IsNullOrEmpty(u.UserInfo)
            ? source.Replace(u.UserInfo + "@", "***@", StringComparison.Ordinal) : source;

    /// <summary>Posts alerts from a background queue, so a slow endpoint never delays matching.</summary>
    private sealed class WebhookSender(string url) : BackgroundPoster<string>("webhook")
    {
        protected override HttpRequestMessage Request(string json) =>
            new(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }

    /// <summary>
    /// Turns alerts into review items on a Safeguard service: the saved frame as media when there
    /// is one, otherwise the frame's PDQ hash as a lookup (a hit there queues a hash-only item).
    /// </summary>
    private sealed class ReviewReporter(string serviceUrl, string apiKey) : BackgroundPoster<WatchAlert>("service")
    {
        private readonly Uri _base = new(serviceUrl.TrimEnd('/') + "/");

        protected override HttpRequestMessage Request(WatchAlert alert)
        {
            string note = $"watch {alert.Source} at {alert.StreamTime:F1} s (PDQ distance {alert.Distance})";
            HttpRequestMessage request;
            if (alert.SavedFrame is { } frame && File.Exists(frame))
            {
                var form = new MultipartFormDataContent();
                var content = new ByteArrayContent(File.ReadAllBytes(frame));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
                form.Add(content, "file", Path.GetFileName(frame));
                request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, "v1/review/submit?note=" + Uri.EscapeDataString(note))) { Content = form };
            }
            else
            {
                var body = JsonSerializer.Serialize(new { signal_type = SignalTypes.Pdq.Name, value = alert.Hash.ToString() });
                request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, "v1/lookup")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            }
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
            return request;
        }
    }

    /// <summary>A bounded queue drained by one thread: a slow or absent endpoint never delays matching.</summary>
    private abstract class BackgroundPoster<T> : IDisposable where T : notnull
    {
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
        private readonly BlockingCollection<T> _queue = new(1000);
        private readonly Thread _thread;
        private readonly string _name;

        protected BackgroundPoster(string name)
        {
            _name = name;
            _thread = new Thread(() =>
            {
                foreach (var item in _queue.GetConsumingEnumerable())
                {
                    try
                    {
                        using var request = Request(item);
                        using var resp = _http.Send(request);
                        if (!resp.IsSuccessStatusCode) Console.Error.WriteLine($"safeguard: {_name} answered {(int)resp.StatusCode}");
                    }
                    catch (Exception ex)
                    {
                        // Whatever goes wrong with one post, the watch goes on.
                        Console.Error.WriteLine($"safeguard: {_name} failed: {ex.Message}");
                    }
                }
            }) { IsBackground = true, Name = $"safeguard-{name}" };
            _thread.Start();
        }

        protected abstract HttpRequestMessage Request(T item);

        public void Post(T item)
        {
            if (!_queue.TryAdd(item)) Console.Error.WriteLine($"safeguard: {_name} queue full; alert not posted");
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
            // A post still in flight after the wait keeps the client; the process is ending.
            if (_thread.Join(TimeSpan.FromSeconds(6))) _http.Dispose();
        }
    }
}
