using System.Collections.Concurrent;
using Safeguard.Engine.Media;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Imaging;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Media;

/// <summary>
/// The engine's <see cref="MediaHasher"/> is one-per-thread; requests borrow one from this pool. Decodes run within a global
/// pixel budget (<see cref="DecodeBudget"/>), and idle hashers keep only modest buffers: one that grew
/// for a large image gives its memory back before it is pooled again.
/// </summary>
public sealed class HasherPool : IDisposable
{
    /// <summary>An idle hasher keeps buffers up to this size (a 16 Mpx RGBA image); larger ones are freed.</summary>
    public const long MaxRetainedBytesPerHasher = 64L * 1024 * 1024;
    /// <summary>All idle hashers together keep at most this much.</summary>
    public const long MaxRetainedBytesIdle = 256L * 1024 * 1024;

    private readonly ConcurrentBag<(MediaHasher Hasher, long Retained)> _pool = [];
    private readonly DecodeBudget _budget;
    private readonly TimeSpan _budgetWait;
    private long _idleRetained;

    /// <summary>With the default budget (<see cref="ServerOptions.MaxDecodePixels"/>).</summary>
    public HasherPool() : this(new ServerOptions()) { }

    private readonly Safeguard.Video.Vpdq.VpdqOptions _video;

    public HasherPool(ServerOptions options)
    {
        _video = options.Tmk ? MediaHasher.MatchVideo : MediaHasher.FastVideo;
        _budget = new DecodeBudget(options.MaxDecodePixels);
        _budgetWait = options.DecodeQueueWait;
    }

    public DecodeBudget Budget => _budget;

    /// <summary>Bytes the idle hashers hold between requests.</summary>
    public long IdleRetainedBytes => Interlocked.Read(ref _idleRetained);

    /// <summary>
    /// Hashes an upload once its pixels fit in the decode budget; 503 when they do not within the wait.
    /// </summary>
    public async Task<FileHashResult> HashAsync(byte[] bytes, string name, CancellationToken ct)
    {
        using var lease = await _budget.AcquireAsync(DecodedPixels(bytes), _budgetWait, ct).ConfigureAwait(false)
            ?? throw new ServiceBusyException($"server busy: too many large images being decoded (budget {_budget.Capacity:N0} pixels); retry shortly", TimeSpan.FromSeconds(1));
        return Hash(bytes, name);
    }

    /// <summary>
    /// Hashes a video held in memory (exact hashes and vPDQ, as match and scan sample it) outside
    /// the image decode budget: videos have their own bounded workers (<see cref="VideoHasher"/>).
    /// </summary>
    public FileHashResult HashVideo(ReadOnlySpan<byte> bytes, string name, CancellationToken cancel)
    {
        var hasher = Take();
        try { return hasher.HashMedia(bytes, name, cancel); }
        finally { Return(hasher); }
    }

    private FileHashResult Hash(ReadOnlySpan<byte> bytes, string name)
    {
        var hasher = Take();
        try
        {
            var result = new FileHashResult { Path = name };
            hasher.HashBytes(bytes, result);
            return result;
        }
        finally { Return(hasher); }
    }

    /// <summary>The pixel count the header claims; 0 when it is no image we decode (the decode then fails at once).</summary>
    internal static long DecodedPixels(ReadOnlySpan<byte> bytes)
    {
        if (ImageFormatSniffer.Sniff(bytes) == ImageFormat.Unknown) return 0;
        try
        {
            var (_, w, h) = ImageDecoder.Probe(bytes);
            return w > 0 && h > 0 ? (long)w * h : 0;
        }
        catch (ImageDecodeException) { return 0; }
    }

    private MediaHasher Take()
    {
        if (!_pool.TryTake(out var idle)) return new MediaHasher(new FileHashOptions()) { RequireImage = true, VideoOptions = _video };
        Interlocked.Add(ref _idleRetained, -idle.Retained);
        return idle.Hasher;
    }

    private void Return(MediaHasher hasher)
    {
        long retained = hasher.RetainedBytes;
        if (retained > MaxRetainedBytesPerHasher || Interlocked.Add(ref _idleRetained, retained) > MaxRetainedBytesIdle)
        {
            if (retained <= MaxRetainedBytesPerHasher) Interlocked.Add(ref _idleRetained, -retained);
            hasher.ReleaseBuffers();
            NativeHeap.Trim();
            retained = hasher.RetainedBytes;
            Interlocked.Add(ref _idleRetained, retained);
        }
        _pool.Add((hasher, retained));
    }

    public void Dispose()
    {
        while (_pool.TryTake(out var idle)) idle.Hasher.Dispose();
        _idleRetained = 0;
    }
}
