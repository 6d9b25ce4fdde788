using System.Buffers;
using System.Collections.Concurrent;
using Safeguard.Engine.Matching;
using Safeguard.Engine.Media;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Hashing.Pipeline;
using Safeguard.Signals;

namespace Safeguard.Engine.Scanning;

/// <summary>Progress as the scan emits results (called on the emitting thread).</summary>
public interface IScanProgress
{
    void SetTotal(long topLevelItems);
    void Report(long records, long topLevelDone);
}

/// <summary>
/// Forensic triage: walks the inputs and their archives, hashes everything on all cores (each
/// distinct image's PDQ once), matches against the banks and writes the outputs in scan order.
/// </summary>
public sealed class Scanner(Matcher matcher, FileHashOptions hashOptions, ArchiveLimits limits)
{
    public int Threads { get; init; }
    /// <summary>Links found in the evidence: recorded (default) or, with --follow-symlinks, followed within the inputs.</summary>
    public SymlinkPolicy Symlinks { get; init; } = SymlinkPolicy.Record;
    /// <summary>How videos are hashed (vPDQ and TMK by default).</summary>
    public Safeguard.Video.Vpdq.VpdqOptions VideoOptions { get; init; } = MediaHasher.MatchVideo;

    private sealed class Worker(FileHashOptions options, PdqCache cache, Safeguard.Video.Vpdq.VpdqOptions video) : IDisposable
    {
        public readonly MediaHasher Hasher = new(options, cache) { VideoOptions = video };
        public readonly List<Match> Matches = [];
        public void Dispose() => Hasher.Dispose();
    }

    public PdqCache Cache { get; } = new();

    /// <summary>Runs the scan; returns the number of records with an error.</summary>
    public long Run(IReadOnlyList<string> inputs, string outDir, string fingerprint, bool resume, string caseName, IScanProgress? progress, TextWriter errors)
    {
        var journaled = resume ? ScanJournal.Load(outDir, fingerprint) : new Dictionary<string, ScanRecord>(StringComparer.Ordinal);
        // The journal is rewritten with the finished records (dropping a line cut off by a kill), then appended to.
        using var journal = ScanJournal.Start(outDir, fingerprint, journaled.Values);
        using var outputs = new ScanOutputs(outDir);

        if (progress is not null)
            new Thread(() =>
            {
                // Only for the ETA: if counting fails, the bar simply has no total.
                try
                {
                    long n = 0;
                    foreach (var _ in InputWalker.Expand(inputs, Symlinks)) n++;
                    progress.SetTotal(n);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            }) { IsBackground = true, Name = "safeguard-scan-count" }.Start();

        using var queue = new BlockingCollection<ScanItem>(256);
        // Stops the walker when the hashing side fails, so it never adds to a disposed queue.
        using var stopWalk = new CancellationTokenSource();
        Exception? walkFailure = null;
        var producer = new Thread(() =>
        {
            try { new ArchiveWalker(limits, item => queue.Add(item, stopWalk.Token)).Walk(inputs, Symlinks); }
            catch (OperationCanceledException) when (stopWalk.IsCancellationRequested) { }
            catch (Exception ex) { walkFailure = ex; }
            finally { queue.CompleteAdding(); }
        }) { IsBackground = true, Name = "safeguard-scan-walk" };
        producer.Start();

        long records = 0, topDone = 0, failed = 0;
        try
        {
            OrderedParallel.Run(
                queue.GetConsumingEnumerable(),
                () => new Worker(hashOptions, Cache, VideoOptions),
                (w, item) => (item, Process(w, item, journaled, out bool fresh), fresh),
                result =>
                {
                    var (item, record, fresh) = result;
                    outputs.Add(record);
                    if (fresh) journal.Append(record);
                    if (record.Error is not null)
                    {
                        failed++;
                        errors.WriteLine($"safeguard: {record.Path}: {record.Error}");
                    }
                    records++;
                    if (item.TopLevel) topDone++;
                    progress?.Report(records, topDone);
                },
                Threads);
        }
        finally
        {
            stopWalk.Cancel();
            producer.Join();
        }
        if (walkFailure is not null) throw new AggregateException("the scan's walker failed", walkFailure);
        outputs.Complete(caseName);
        journal.Dispose();
        ScanJournal.Delete(outDir);
        return failed;
    }

    private ScanRecord Process(Worker w, ScanItem item, Dictionary<string, ScanRecord> journaled, out bool fresh)
    {
        try
        {
            if (journaled.TryGetValue(item.Path, out var done)) { fresh = false; return done; }
            fresh = true;
            if (item.LinkType is not null)
                return new ScanRecord { Path = item.Path, Type = item.LinkType, LinkTarget = item.LinkTarget, LinkNote = item.LinkNote, Error = item.Error };
            FileHashResult r;
            if (item.Done is not null) r = item.Done;
            else if (item.Data is not null) { r = new FileHashResult { Path = item.Path }; w.Hasher.HashMedia(item.Data.AsSpan(0, item.Length), r); }
            else if (item.FilePath is not null) r = w.Hasher.HashFile(item.FilePath, item.Path);
            else r = new FileHashResult { Path = item.Path };
            string? error = item.Error is null ? r.Error : r.Error is null ? item.Error : item.Error + "; " + r.Error;

            w.Matches.Clear();
            bool qualityOk = matcher.Match(r, w.Matches);
            return new ScanRecord
            {
                Path = item.Path, Size = r.Size, Archive = item.IsArchive,
                Md5 = Hex(r.Md5), Sha1 = Hex(r.Sha1), Sha256 = Hex(r.Sha256),
                Pdq = r.Pdq?.Hash.ToString(), Quality = r.Pdq?.Quality, LowQuality = !qualityOk,
                Vpdq = r.VideoFrames is { } frames ? SignalTypes.Vpdq.Format(frames) : null,
                Tmk = r.Tmk is { } tmk ? SignalTypes.Tmk.Format(tmk) : null,
                Matches = [.. w.Matches.Select(ScanMatch.From)],
                Error = error,
            };
        }
        finally
        {
            if (item.Data is not null) ArrayPool<byte>.Shared.Return(item.Data);
        }
    }

    private static string? Hex(byte[]? b) => b is null ? null : Convert.ToHexStringLower(b);
}
