using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;
using Safeguard.Video.Ffmpeg;
using SkiaSharp;

namespace Safeguard.Video.Streams;

/// <summary>
/// Watches a file, standard input or a stream URL: FFmpeg decodes in real time and passes on
/// frames at the sample rate plus scene changes; each is hashed at native resolution and searched
/// by an <see cref="IFrameMatcher"/> (the engine's matcher, or one <see cref="PdqIndex"/>). Matches become alerts within the decode delay plus one sample
/// interval. A dropped or stalled stream is reopened with exponential back-off. Nothing is stored
/// except alert frames, and only when a folder is configured.
/// </summary>
public sealed class StreamWatcher(string source, IFrameMatcher matcher, WatchOptions options, Action<WatchAlert> onAlert, Action<WatchStatus>? onStatus = null)
{
    /// <summary>Matches frames against one index at the options' distance and minimum quality.</summary>
    public StreamWatcher(string source, PdqIndex index, WatchOptions options, Action<WatchAlert> onAlert, Action<WatchStatus>? onStatus = null)
        : this(source, new PdqIndexFrameMatcher(index, options.Distance, options.MinQuality), options, onAlert, onStatus) { }

    private long _framesHashed;
    private int _reconnects;
    private double _lastStreamTime, _lastLag;

    public static bool IsNetworkSource(string source) => source.Contains("://", StringComparison.Ordinal) && !source.StartsWith("file://", StringComparison.Ordinal);

    public long FramesHashed => Interlocked.Read(ref _framesHashed);

    /// <summary>Matches the rolling TMK when <see cref="WatchOptions.TmkWindow"/> is set.</summary>
    public ITmkWindowMatcher? TmkMatcher { get; init; }

    public Action<WatchTmkAlert>? OnTmkAlert { get; init; }

    /// <summary>Runs until the source ends (files, standard input) or <paramref name="cancel"/> fires.</summary>
    public void Run(CancellationToken cancel)
    {
        bool reconnect = options.Reconnect ?? IsNetworkSource(source);
        var delay = options.ReconnectInitial;
        while (!cancel.IsCancellationRequested)
        {
            bool gotFrames = false;
            string? error = null;
            try
            {
                gotFrames = RunOnce(cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { break; }
            catch (Exception ex) when (ex is VideoException or TimeoutException or IOException)
            {
                error = ex.Message;
            }
            Status(error is null ? "ended" : "disconnected", error);
            if (!reconnect || cancel.IsCancellationRequested) { if (error is not null && !reconnect) throw new VideoException(error); break; }
            if (gotFrames) delay = options.ReconnectInitial;
            _reconnects++;
            if (cancel.WaitHandle.WaitOne(delay)) break;
            delay = TimeSpan.FromTicks(Math.Min(options.ReconnectMax.Ticks, delay.Ticks * 2));
        }
    }

    private string Filter()
    {
        var inv = CultureInfo.InvariantCulture;
        double interval = 1.0 / Math.Max(0.01, options.SampleRate);
        // One frame per interval bin (anchored at time 0, so the cadence does not drift), plus scene changes.
        var expr = string.Create(inv, $"isnan(prev_selected_t)+gt(floor(t/{interval:0.######})\\,floor(prev_selected_t/{interval:0.######}))");
        if (options.SceneThreshold > 0) expr += string.Create(inv, $"+gt(scene\\,{options.SceneThreshold:0.###})");
        return $"select='{expr}'";
    }

    /// <summary>One connection: true when at least one frame came through.</summary>
    private bool RunOnce(CancellationToken cancel)
    {
        // Lag is measured from here, so it includes FFmpeg's start-up and stream probing.
        var connectedAt = Stopwatch.GetTimestamp();
        // A short probe (FFmpeg's default analyses 5 s of a live stream before the first frame).
        var input = new List<string> { "-flags", "low_delay", "-probesize", "1000000", "-analyzeduration", "1000000" };
        if (options.Realtime && !IsNetworkSource(source) && source != "-") input.Add("-re");
        using var tmk = StartRollingTmk();
        using var reader = FrameReader.Open(source, new FrameReaderOptions
        {
            SecondOutputArgs = tmk is null ? null : Tmk.TmkHasher.OutputArgs,
            SecondOutputTarget = tmk?.Target,
            InputArgs = input,
            Filter = Filter(),
            Timestamps = true,
            MaxPixels = options.MaxPixels,
            StallTimeout = options.StallTimeout,
            DecoderThreads = options.DecoderThreads,
        });
        reader.WaitForSize(options.StallTimeout, cancel);
        Status("connected", $"{reader.Width}x{reader.Height}");
        using var hasher = new PdqHasher();
        var hits = new List<PdqMatch>();
        var lastAlert = new Dictionary<int, double>();
        byte[] frame = ArrayPool<byte>.Shared.Rent(reader.FrameBytes);
        double? origin = null;
        long lastStatus = Stopwatch.GetTimestamp();
        bool any = false;
        try
        {
            while (reader.Next(frame, out double pts, cancel))
            {
                any = true;
                double wall = Stopwatch.GetElapsedTime(connectedAt).TotalSeconds;
                if (double.IsNaN(pts)) pts = wall;
                origin ??= pts; // stream time of the first frame
                double streamTime = pts - origin.Value;
                var view = new PixelView(frame, reader.Width, reader.Height, reader.Width * 4, PixelLayout.Rgba8888);
                var pdq = hasher.Hash(view, PdqSizing.FullResolution);
                Interlocked.Increment(ref _framesHashed);
                // Lag: how far behind the stream's own clock this frame is handled.
                double lag = Math.Max(0, Stopwatch.GetElapsedTime(connectedAt).TotalSeconds - streamTime);
                _lastStreamTime = streamTime;
                _lastLag = lag;
                hits.Clear();
                matcher.Match(pdq.Hash, pdq.Quality, hits);
                if (hits.Count > 0)
                {
                    foreach (var m in hits)
                    {
                        if (lastAlert.TryGetValue(m.Id, out double t) && streamTime - t < options.AlertCooldown.TotalSeconds) continue;
                        lastAlert[m.Id] = streamTime;
                        string? saved = options.AlertFrameDirectory is { } dir ? SaveFrame(dir, view, streamTime) : null;
                        onAlert(new WatchAlert(source, DateTimeOffset.UtcNow, streamTime, pdq.Hash, pdq.Quality, m.Id, m.Distance, lag, saved));
                    }
                }
                if (Stopwatch.GetElapsedTime(lastStatus) > TimeSpan.FromSeconds(5))
                {
                    lastStatus = Stopwatch.GetTimestamp();
                    Status("status", null);
                }
            }
            reader.Finish();
            tmk?.Finish();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
        if (!any) throw new VideoException($"stream ended without a frame ({VideoProbe.Clean(reader.StderrTail, "no output")})");
        return any;
    }

    private RollingTmkWatch? StartRollingTmk() =>
        options.TmkWindow is { } window && TmkMatcher is not null ? new RollingTmkWatch(this, source, options, window) : null;

    /// <summary>
    /// The rolling TMK's receiver: 64x64 frames at 15 fps from the same decode, matched every
    /// interval on the receiver's thread, and once more for the last frames when the source ends.
    /// </summary>
    private sealed class RollingTmkWatch : IDisposable
    {
        private readonly StreamWatcher _watcher;
        private readonly string _source;
        private readonly WatchOptions _options;
        private readonly Tmk.RollingTmk _rolling;
        private readonly SocketFrameOutput _output;
        private readonly List<TmkWindowHit> _hits = [];
        private readonly Dictionary<long, double> _lastAlert = [];
        private long _matchedAt;

        public RollingTmkWatch(StreamWatcher watcher, string source, WatchOptions options, TimeSpan window)
        {
            _watcher = watcher;
            _source = source;
            _options = options;
            _rolling = new Tmk.RollingTmk(window, options.TmkInterval);
            _output = new SocketFrameOutput(Safeguard.Hashing.Pdq.PdqFloat.FrameBytes, options.StallTimeout, frame =>
            {
                if (_rolling.Add(frame)) MatchWindow();
            });
        }

        public string Target => _output.Target;

        public void Finish()
        {
            _output.Finish();
            if (_rolling.Frames > _matchedAt) MatchWindow();
        }

        private void MatchWindow()
        {
            _matchedAt = _rolling.Frames;
            var features = _rolling.Snapshot();
            const double Fps = Safeguard.Hashing.Tmk.TmkParameters.FramesPerSecond;
            double streamTime = _rolling.Frames / Fps;
            _hits.Clear();
            _watcher.TmkMatcher!.Match(features, _hits);
            foreach (var hit in _hits)
            {
                if (_lastAlert.TryGetValue(hit.Id, out double t) && streamTime - t < _options.AlertCooldown.TotalSeconds) continue;
                _lastAlert[hit.Id] = streamTime;
                _watcher.OnTmkAlert?.Invoke(new WatchTmkAlert(_source, DateTimeOffset.UtcNow, streamTime, _rolling.WindowFrames / Fps, hit.Id, hit.Level1, hit.Level2));
            }
        }

        public void Dispose() => _output.Dispose();
    }

    private void Status(string evt, string? message) =>
        onStatus?.Invoke(new WatchStatus(source, DateTimeOffset.UtcNow, evt, message, FramesHashed, _lastStreamTime, _lastLag, _reconnects));

    private static string SaveFrame(string dir, in PixelView view, double streamTime)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"alert-{DateTime.UtcNow:yyyyMMddTHHmmssfff}-{streamTime:0.000}.png"));
        var info = new SKImageInfo(view.Width, view.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var bytes = view.Data[..(view.Width * view.Height * 4)];
        unsafe
        {
            fixed (byte* p = bytes) Buffer.MemoryCopy(p, (void*)bitmap.GetPixels(), bytes.Length, bytes.Length);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 6);
        using var fs = File.Create(path);
        data.SaveTo(fs);
        return path;
    }
}

/// <summary>What a watched frame is matched against: appends (target id, distance) for each hit.</summary>
public interface IFrameMatcher
{
    void Match(in Hash256 frame, int quality, List<PdqMatch> hits);
}

/// <summary>One PDQ index searched at a fixed distance, frames below a quality skipped.</summary>
public sealed class PdqIndexFrameMatcher(PdqIndex index, int distance, int minQuality) : IFrameMatcher
{
    public void Match(in Hash256 frame, int quality, List<PdqMatch> hits)
    {
        if (quality >= minQuality) index.Search(frame, distance, hits);
    }
}
