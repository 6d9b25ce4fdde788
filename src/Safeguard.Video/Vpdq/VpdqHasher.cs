using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using Safeguard.Video.Ffmpeg;
using Safeguard.Video.Tmk;

namespace Safeguard.Video.Vpdq;

/// <summary>
/// vPDQ of a video file: FFmpeg decodes (its own threads) while this thread hashes the previous
/// frame at native resolution. Frames are numbered and timed as Meta's vPDQ does.
/// </summary>
public static class VpdqHasher
{
    public static VideoHashResult HashFile(string path, VpdqOptions? options = null, CancellationToken cancel = default)
    {
        options ??= VpdqOptions.Default;
        var result = new VideoHashResult { Path = path };
        try
        {
            Task<byte[]>? md5 = null;
            if (path != "-" && File.Exists(path))
            {
                result.Size = new FileInfo(path).Length;
                if (options.ComputeMd5) md5 = Task.Run(() => Md5Of(path), cancel);
            }
            if (options.Tmk && !options.Vpdq)
            {
                result.Info = VideoProbe.Probe(path, options.ProbeTimeout, options.MaxPixels, cancel);
                result.Tmk = TmkHasher.HashFile(path, TmkOptionsOf(options), cancel);
                if (md5 is not null) result.Md5 = md5.GetAwaiter().GetResult();
                return result;
            }
            // TMK needs every frame, so a combined decode cannot skip frames.
            if (options.Tmk) options = options with { Fast = false };
            var info = VideoProbe.Probe(path, options.ProbeTimeout, options.MaxPixels, cancel);
            result.Info = info;
            if (info.FrameRate <= 0) throw new VideoException("video has no usable frame rate");
            HashFrames(path, info, options, result, cancel);
            // vPDQ reads frames as stored; Meta's TMK hasher lets FFmpeg rotate them. A rotated
            // stream therefore gets its TMK from a decode of its own, exactly as Meta's.
            if (options.Tmk && result.Tmk is null)
                result.Tmk = TmkHasher.HashFile(path, TmkOptionsOf(options), cancel);
            if (md5 is not null) result.Md5 = md5.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is VideoException or TimeoutException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException or SocketException)
        {
            result.Error = ex.Message;
        }
        return result;
    }

    private static TmkOptions TmkOptionsOf(VpdqOptions o) => new()
    {
        MaxPixels = o.MaxPixels, StallTimeout = o.StallTimeout, DecoderThreads = o.DecoderThreads,
    };

    public static byte[] Md5Of(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return MD5.HashData(fs);
    }

    /// <summary>vPDQ's frame step: int(interval x fps), at least 1.</summary>
    public static int FrameStep(double intervalSeconds, double fps) => Math.Max(1, (int)(intervalSeconds * fps));

    private static void HashFrames(string path, VideoInfo info, VpdqOptions o, VideoHashResult result, CancellationToken cancel)
    {
        int step = o.EveryFrame ? 1 : FrameStep(o.IntervalSeconds, info.FrameRate);
        bool fast = o.Fast && !o.EveryFrame;
        if (fast && o.DecoderThreads == 0 && Environment.ProcessorCount >= 2 && info.DurationSeconds >= MinSplitSeconds)
        {
            HashFramesFastSplit(path, info, o, step, result, cancel);
            return;
        }
        string? filter = null;
        var inputArgs = new List<string>();
        if (fast)
        {
            inputArgs.AddRange(["-skip_frame", "noref"]);
            // The first decoded frame in each bin of step frames, bins anchored at time 0 (so a
            // skipped frame never shifts the later samples). Half a frame of slack absorbs rounding.
            double interval = step / info.FrameRate, slack = 0.5 / info.FrameRate;
            filter = string.Create(CultureInfo.InvariantCulture,
                $"select='isnan(prev_selected_t)+gt(floor((t+{slack:0.########})/{interval:0.########})\\,floor((prev_selected_t+{slack:0.########})/{interval:0.########}))'");
        }
        else if (step > 1)
        {
            filter = $"select='not(mod(n\\,{step}))'";
        }
        var tmkFrames = o.Tmk && info.Rotation == 0 ? new TmkFrameConsumer(TmkOptions.Default.MaxFrames) : null;
        using var tmk = tmkFrames is null ? null : new SocketFrameOutput(PdqFloat.FrameBytes, o.StallTimeout, frame => tmkFrames.Add(frame));
        using var reader = FrameReader.Open(path, new FrameReaderOptions
        {
            SecondOutputArgs = tmk is null ? null : TmkHasher.OutputArgs,
            SecondOutputTarget = tmk?.Target,
            InputArgs = inputArgs,
            Filter = filter,
            Width = info.Width,
            Height = info.Height,
            MaxPixels = o.MaxPixels,
            Timestamps = fast,
            StallTimeout = o.StallTimeout,
            SwsFlags = o.SwsFlags,
            DecoderThreads = o.DecoderThreads,
        });
        using var hasher = new PdqHasher();
        double? origin = null;
        long index = 0;
        ReadPipelined(reader, cancel, (frame, pts) =>
        {
            var view = new PixelView(frame, info.Width, info.Height, info.Width * 4, PixelLayout.Rgba8888);
            if (o.Unletterbox) view = Safeguard.Hashing.Imaging.Unletterbox.Crop(view);
            var pdq = hasher.Hash(view, PdqSizing.FullResolution);
            long frameNumber;
            if (fast && !double.IsNaN(pts))
            {
                origin ??= pts;
                frameNumber = (long)Math.Round((pts - origin.Value) * info.FrameRate);
            }
            else
            {
                frameNumber = index * step;
            }
            index++;
            result.Frames.Add(new VpdqFrame(frameNumber, pdq.Quality, pdq.Hash, frameNumber / info.FrameRate));
        });
        reader.Finish();
        if (tmk is not null)
        {
            tmk.Finish();
            result.Tmk = tmkFrames!.Finish(reader.StderrTail);
        }
        result.DecodedFrames = fast ? -1 : result.Frames.Count * (long)step;
        if (result.Frames.Count == 0) throw new VideoException($"no frame could be decoded ({VideoProbe.Clean(reader.StderrTail, "empty video")})");
    }

    /// <summary>Fast sampling of videos at least this long runs two FFmpeg processes on the two halves.</summary>
    public const double MinSplitSeconds = 20;

    /// <summary>
    /// <see cref="VpdqOptions.Fast"/> on two halves at once: two single-threaded FFmpeg processes
    /// scale better than one frame-threaded decoder, and each half is hashed on its own thread.
    /// The halves meet at a sampling-bin boundary and keep the stream's own timestamps
    /// (<c>-copyts</c>), so the samples are exactly those of one pass.
    /// </summary>
    private static void HashFramesFastSplit(string path, VideoInfo info, VpdqOptions o, int step, VideoHashResult result, CancellationToken cancel)
    {
        double interval = step / info.FrameRate, slack = 0.5 / info.FrameRate;
        double split = Math.Max(interval, Math.Floor(info.DurationSeconds / 2 / interval) * interval) - slack;
        var halves = new (double? From, double? To)[] { (null, split), (split, null) };
        var found = new List<(double Pts, PdqResult Pdq)>[2];
        var errors = new Exception?[2];
        string?[] tails = new string?[2];
        var threads = halves.Select((h, i) => new Thread(() =>
        {
            try { found[i] = HashHalf(path, info, o, interval, slack, h.From, h.To, cancel, out tails[i]); }
            catch (Exception ex) { errors[i] = ex; }
        }) { IsBackground = true, Name = $"safeguard-vpdq-half-{i}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            if (error is OperationCanceledException) cancel.ThrowIfCancellationRequested();
            if (error is VideoException or TimeoutException) throw error;
            throw new VideoException($"decoding failed: {error.Message}", error);
        }
        var all = found[0].Concat(found[1]).ToList();
        if (all.Count == 0) throw new VideoException($"no frame could be decoded ({VideoProbe.Clean(tails[0] ?? "", "empty video")})");
        double origin = all[0].Pts;
        foreach (var (pts, pdq) in all)
        {
            long frameNumber = (long)Math.Round((pts - origin) * info.FrameRate);
            result.Frames.Add(new VpdqFrame(frameNumber, pdq.Quality, pdq.Hash, frameNumber / info.FrameRate));
        }
        result.DecodedFrames = -1;
    }

    private static List<(double Pts, PdqResult Pdq)> HashHalf(string path, VideoInfo info, VpdqOptions o, double interval, double slack,
        double? from, double? to, CancellationToken cancel, out string stderrTail)
    {
        var inv = CultureInfo.InvariantCulture;
        var inputArgs = new List<string> { "-skip_frame", "noref", "-copyts" };
        if (from is { } f) inputArgs.AddRange(["-ss", f.ToString("0.######", inv)]);
        if (to is { } t) inputArgs.AddRange(["-to", (t + 1).ToString("0.######", inv)]);
        string bins = string.Create(inv,
            $"(isnan(prev_selected_t)+gt(floor((t+{slack:0.########})/{interval:0.########})\\,floor((prev_selected_t+{slack:0.########})/{interval:0.########})))");
        if (to is { } end) bins += string.Create(inv, $"*lt(t\\,{end:0.######})");
        using var reader = FrameReader.Open(path, new FrameReaderOptions
        {
            InputArgs = inputArgs,
            Filter = $"select='{bins}'",
            Width = info.Width,
            Height = info.Height,
            MaxPixels = o.MaxPixels,
            Timestamps = true,
            StallTimeout = o.StallTimeout,
            SwsFlags = o.SwsFlags,
            DecoderThreads = 1,
        });
        using var hasher = new PdqHasher();
        var list = new List<(double, PdqResult)>();
        ReadPipelined(reader, cancel, (frame, pts) =>
        {
            var view = new PixelView(frame, info.Width, info.Height, info.Width * 4, PixelLayout.Rgba8888);
            if (o.Unletterbox) view = Safeguard.Hashing.Imaging.Unletterbox.Crop(view);
            list.Add((pts, hasher.Hash(view, PdqSizing.FullResolution)));
        });
        reader.Finish();
        stderrTail = reader.StderrTail;
        return list;
    }

    /// <summary>
    /// One thread reads frames from FFmpeg into a small ring of buffers while the caller's thread
    /// hashes: decoding, the pipe copy and hashing overlap.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "The frame callback goes last so the multi-line lambda closes the call.")]
    internal static void ReadPipelined(FrameReader reader, CancellationToken cancel, Action<byte[], double> onFrame)
    {
        const int Slots = 3;
        int bytes = reader.FrameBytes;
        var free = new BlockingCollection<byte[]>(Slots);
        var full = new BlockingCollection<(byte[] Buffer, double Pts)>(Slots);
        for (int i = 0; i < Slots; i++) free.Add(ArrayPool<byte>.Shared.Rent(bytes));
        Exception? readError = null;
        var readerThread = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var buf = free.Take(cancel);
                    if (!reader.Next(buf, out double pts, cancel)) { free.Add(buf); break; }
                    full.Add((buf, pts), cancel);
                }
            }
            catch (Exception ex) { readError = ex; }
            finally { full.CompleteAdding(); }
        }) { IsBackground = true, Name = "safeguard-video-reader" };
        readerThread.Start();
        try
        {
            foreach (var (buf, pts) in full.GetConsumingEnumerable(cancel))
            {
                onFrame(buf, pts);
                free.Add(buf, cancel);
            }
        }
        finally
        {
            if (readerThread.IsAlive) reader.Kill();
            readerThread.Join();
            while (free.TryTake(out var b)) ArrayPool<byte>.Shared.Return(b);
            while (full.TryTake(out var f)) ArrayPool<byte>.Shared.Return(f.Buffer);
            free.Dispose();
            full.Dispose();
        }
        if (readError is OperationCanceledException) cancel.ThrowIfCancellationRequested();
        if (readError is VideoException or TimeoutException) throw readError;
        if (readError is not null) throw new VideoException($"decoding failed: {readError.Message}", readError);
    }
}
