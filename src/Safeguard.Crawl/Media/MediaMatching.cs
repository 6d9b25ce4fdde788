using System.Collections.Concurrent;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Media;
using Safeguard.Hashing.Files;
using Safeguard.Video.Vpdq;

namespace Safeguard.Crawl.Media;

/// <summary>A fetched body hashed by the engine and matched, each match marked bank or suspected.</summary>
public sealed record MediaOutcome(FileHashResult Hashes, IReadOnlyList<(Match Match, bool Suspected)> Matches);

/// <summary>
/// Hashes media held in memory with the engine's <see cref="MediaHasher"/> (one per thread, from a
/// pool; at most one hash per core at a time, so memory stays bounded; identical bodies are
/// found by the frontier's SHA-256 dedup before they get here) and matches it with the
/// engine's <see cref="Matcher"/>. A PDQ match farther than the policy's threshold but within
/// <see cref="SuspectThreshold"/> is a suspected match for a reviewer.
/// </summary>
public sealed class MediaMatching : IDisposable
{
    private readonly ConcurrentBag<MediaHasher> _hashers = [];
    private readonly SemaphoreSlim _cores;
    private readonly Matcher _matcher;
    private readonly FileHashOptions _hashOptions;
    private readonly VpdqOptions? _video;

    /// <param name="matcher">The engine matcher over the banks, with the crawl's policy.</param>
    /// <param name="suspectThreshold">PDQ distances above the policy's threshold up to this are suspected (0: none).</param>
    public MediaMatching(Matcher matcher, FileHashOptions hashOptions, VpdqOptions? video, int suspectThreshold = 0, int threads = 0)
    {
        BankThreshold = matcher.Policy.Threshold;
        SuspectThreshold = Math.Max(suspectThreshold, BankThreshold);
        _matcher = SuspectThreshold > BankThreshold ? new Matcher(matcher.Index, matcher.Policy with { Threshold = SuspectThreshold }) : matcher;
        _hashOptions = hashOptions with { Signals = HashSignals.All };
        _video = video;
        int n = threads > 0 ? threads : Environment.ProcessorCount;
        _cores = new SemaphoreSlim(n, n);
    }

    public int BankThreshold { get; }
    public int SuspectThreshold { get; }

    /// <summary>Hashes and matches <paramref name="body"/> (named <paramref name="name"/> in errors).</summary>
    public async Task<MediaOutcome> HashAndMatchAsync(byte[] body, string name, CancellationToken ct)
    {
        await _cores.WaitAsync(ct);
        try
        {
            if (!_hashers.TryTake(out var hasher)) hasher = new MediaHasher(_hashOptions) { VideoOptions = _video };
            try
            {
                var result = hasher.HashMedia(body, name, ct);
                var matches = _matcher.Match(result, out _);
                var marked = new List<(Match, bool)>(matches.Count);
                foreach (var m in matches)
                    marked.Add((m, IsSuspected(m)));
                return new MediaOutcome(result, marked);
            }
            finally
            {
                if (hasher.RetainedBytes > 64L << 20) hasher.ReleaseBuffers();
                _hashers.Add(hasher);
            }
        }
        finally
        {
            _cores.Release();
        }
    }

    /// <summary>Only PDQ-distance matches can be near misses; exact digests, vPDQ and TMK rules match or not.</summary>
    private bool IsSuspected(Match m) => SuspectThreshold > BankThreshold && m.Entry.Type.Name == "pdq" && m.Distance > BankThreshold;

    public void Dispose()
    {
        while (_hashers.TryTake(out var h)) h.Dispose();
        _cores.Dispose();
    }
}
