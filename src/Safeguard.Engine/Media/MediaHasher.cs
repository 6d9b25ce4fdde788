using System.Collections.Concurrent;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;
using Safeguard.Video;
using Safeguard.Video.Vpdq;

namespace Safeguard.Engine.Media;

/// <summary>
/// The one media hasher (one instance per thread): exact hashes of every file, PDQ for bytes that
/// start like an image, vPDQ for a video, from a path or from memory. Files are opened read-only
/// and shared, never written. With a <see cref="PdqCache"/>, identical files (same SHA-256 and
/// size) are PDQ-hashed once. hash, match, scan and the service all hash through it.
/// </summary>
public sealed class MediaHasher : IDisposable
{
    private readonly FileHasher _exact, _pdq, _streaming;
    private readonly PdqCache? _cache;
    private readonly long _maxInMemory;
    private byte[] _buffer = new byte[1 << 20];

    public MediaHasher(FileHashOptions options, PdqCache? cache = null)
    {
        var exact = options.Signals & ~HashSignals.Pdq;
        _exact = new FileHasher(options with { Signals = exact });
        _streaming = new FileHasher(options with { Signals = exact, MaxImageFileBytes = 0 });
        _pdq = new FileHasher(options with { Signals = HashSignals.Pdq });
        _cache = cache;
        _maxInMemory = options.MaxImageFileBytes;
        WantPdq = options.Signals.HasFlag(HashSignals.Pdq);
        Options = options;
    }

    public bool WantPdq { get; }

    /// <summary>How match, scan and the service sample videos: 1 fps, decoding only the frames needed.</summary>
    public static readonly VpdqOptions FastVideo = VpdqOptions.Default with { Fast = true, ComputeMd5 = false };

    /// <summary>
    /// How match, scan and the service hash videos unless told not to: vPDQ at 1 fps and TMK+PDQF
    /// from one decode. TMK needs every frame, so the decode is not fast then (see docs/scanning.md for the cost).
    /// </summary>
    public static readonly VpdqOptions MatchVideo = FastVideo with { Tmk = true };

    /// <summary>How videos are sampled, on disk and in memory (null: videos get exact hashes only).</summary>
    public VpdqOptions? VideoOptions { get; init; } = FastVideo;

    public FileHashOptions Options { get; }

    /// <summary>
    /// An input that is neither image nor video is an error (hash, and the service's uploads),
    /// rather than a file with exact hashes only (scan, match).
    /// </summary>
    public bool RequireImage { get; init; }

    /// <summary>Hashes a file on disk; <paramref name="display"/> is the path reported.</summary>
    public FileHashResult HashFile(string path, string display, CancellationToken cancel = default)
    {
        var result = HashFileBytes(path, display);
        if (VideoOptions is { } vo && WantPdq && VideoFiles.LooksLikeVideo(path))
            VideoFiles.AddVpdq(result, path, vo, cancel);
        return result;
    }

    private FileHashResult HashFileBytes(string path, string display)
    {
        try
        {
            if (!UnixFileType.IsRegularFile(path))
                return new FileHashResult { Path = display, Error = "not a regular file (FIFO, socket or device); skipped" };
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.SequentialScan, BufferSize = 0,
            });
            long length = stream.Length;
            if (length > _maxInMemory)
            {
                stream.Dispose();
                return Streamed(path, display, length); // exact only, streamed
            }
            if (_buffer.Length < length + 1) _buffer = new byte[Math.Max(length + 1, _buffer.Length * 2)];
            int total = 0, n;
            while ((n = stream.Read(_buffer, total, _buffer.Length - total)) > 0)
            {
                total += n;
                if (total == _buffer.Length)
                {
                    if (total > _maxInMemory) { stream.Dispose(); return Streamed(path, display, total); }
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }
            }
            var result = new FileHashResult { Path = display };
            HashBytes(_buffer.AsSpan(0, total), result);
            return result;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileHashResult { Path = display, Error = FileHasher.Describe(ex) };
        }
    }

    private FileHashResult Streamed(string path, string display, long length)
    {
        var result = _streaming.HashFile(path, display);
        if (RequireImage && WantPdq && result.Error is null)
            result.Error = $"file is {length:N0} bytes, over the image size limit of {_maxInMemory:N0}; exact hashes only";
        return result;
    }

    /// <summary>Hashes media held in memory (an archive member, an upload); a video also gets its vPDQ (see <see cref="MemoryFile"/>).</summary>
    public void HashMedia(ReadOnlySpan<byte> bytes, FileHashResult result, CancellationToken cancel = default)
    {
        HashBytes(bytes, result);
        if (VideoOptions is { } vo && WantPdq && VideoFiles.LooksLikeVideo(bytes))
            VideoFiles.AddVpdq(result, bytes, vo, cancel);
    }

    public FileHashResult HashMedia(ReadOnlySpan<byte> bytes, string name, CancellationToken cancel = default)
    {
        var result = new FileHashResult { Path = name };
        HashMedia(bytes, result, cancel);
        return result;
    }

    /// <summary>Hashes bytes in memory as an image or plain file (no video decoding).</summary>
    public void HashBytes(ReadOnlySpan<byte> bytes, FileHashResult result)
    {
        _exact.HashBytes(bytes, result);
        var format = WantPdq ? ImageFormatSniffer.Sniff(bytes) : ImageFormat.Unknown;
        if (format == ImageFormat.Unknown)
        {
            // The decoder names what it found; for evidence, a file that is no image is no error.
            if (RequireImage && WantPdq && !VideoFiles.LooksLikeVideo(bytes)) result.Error ??= ComputePdq(bytes).Error;
            return;
        }
        PdqOutcome outcome;
        if (_cache is null || result.Sha256 is null)
        {
            outcome = ComputePdq(bytes);
        }
        else
        {
            var key = new PdqCache.Key(result.Sha256, bytes.Length);
            var mine = new PdqCache.Pending();
            var entry = _cache.Entries.GetOrAdd(key, mine);
            if (ReferenceEquals(entry, mine))
            {
                try { mine.Set(ComputePdq(bytes)); }
                catch { mine.Set(new PdqOutcome(null, null, 0, 0, "PDQ failed")); throw; }
                Interlocked.Increment(ref _cache.Computed);
            }
            outcome = entry.Wait();
        }
        // BMP and ICO magic bytes are short enough to occur in other files: failing to decode those is no error.
        if (outcome.Error is not null && format is ImageFormat.Bmp or ImageFormat.Ico && !RequireImage) return;
        result.Pdq = outcome.Pdq;
        result.DihedralHashes = outcome.Dihedral;
        result.Width = outcome.Width;
        result.Height = outcome.Height;
        result.Error ??= outcome.Error;
    }

    private PdqOutcome ComputePdq(ReadOnlySpan<byte> bytes)
    {
        var r = new FileHashResult { Path = "" };
        _pdq.HashBytes(bytes, r);
        return new PdqOutcome(r.Pdq, r.DihedralHashes, r.Width, r.Height, r.Error);
    }

    /// <summary>Bytes of buffers kept between calls (decoders, pixels, file reads).</summary>
    public long RetainedBytes => _buffer.Length + _exact.RetainedBytes + _pdq.RetainedBytes + _streaming.RetainedBytes;

    /// <summary>Frees buffers grown for large inputs (a pooled hasher gives memory back).</summary>
    public void ReleaseBuffers()
    {
        if (_buffer.Length > 1 << 20) _buffer = new byte[1 << 20];
        _exact.ReleaseBuffers();
        _pdq.ReleaseBuffers();
        _streaming.ReleaseBuffers();
    }

    public void Dispose()
    {
        _exact.Dispose();
        _pdq.Dispose();
        _streaming.Dispose();
    }
}

public sealed record PdqOutcome(PdqResult? Pdq, Hash256[]? Dihedral, int Width, int Height, string? Error);

/// <summary>PDQ results by (SHA-256, size), shared by all workers: each distinct image is decoded once.</summary>
public sealed class PdqCache
{
    public readonly record struct Key(ulong A, ulong B, ulong C, ulong D, long Size)
    {
        public Key(byte[] sha256, long size) : this(
            BitConverter.ToUInt64(sha256, 0), BitConverter.ToUInt64(sha256, 8),
            BitConverter.ToUInt64(sha256, 16), BitConverter.ToUInt64(sha256, 24), size) { }
    }

    /// <summary>A result one worker is computing; others wanting the same image wait for it.</summary>
    public sealed class Pending
    {
        private PdqOutcome? _value;

        public void Set(PdqOutcome value)
        {
            lock (this) { _value = value; Monitor.PulseAll(this); }
        }

        public PdqOutcome Wait()
        {
            lock (this)
            {
                while (_value is null) Monitor.Wait(this);
                return _value;
            }
        }
    }

    public readonly ConcurrentDictionary<Key, Pending> Entries = new();

    /// <summary>How many PDQ hashes were actually computed.</summary>
    public long Computed;
}
