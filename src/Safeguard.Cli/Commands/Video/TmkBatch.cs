using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pipeline;
using Safeguard.Hashing.Tmk;
using Safeguard.Video.Tmk;

namespace Safeguard.Cli.Commands.Video;

/// <summary>One video of a batch and the <c>.tmk</c> file it is written to.</summary>
public sealed record TmkJob(string Input, string Output);

/// <summary>A finished job: its features (written to <see cref="TmkJob.Output"/>), or why it failed.</summary>
public sealed record TmkJobResult(TmkJob Job, TmkFeatures? Features, string? Error, TimeSpan Elapsed)
{
    public bool Failed => Error is not null;
}

/// <summary>The plan of a batch: the jobs to run and the inputs refused before any hashing.</summary>
public sealed record TmkPlan(IReadOnlyList<TmkJob> Jobs, IReadOnlyList<(string Input, string Error)> Refused);

/// <summary>
/// <c>video tmk</c>'s batch: videos hashed in parallel, one single-threaded FFmpeg decoder per job
/// (several processes scale better than one frame-threaded decoder on short videos), each written
/// to its own <c>.tmk</c> file as soon as it is done.
/// </summary>
public static class TmkBatch
{
    /// <summary>
    /// Names each input's output <c>OUT/&lt;file name without extension&gt;.tmk</c>. The same file
    /// given twice is hashed once. When two different inputs would get the same output, the first
    /// in input order keeps it and the later one is refused, never written over the first. Files
    /// inside the output folder are earlier outputs, not inputs (the folder may sit in an input folder).
    /// </summary>
    public static TmkPlan Plan(IEnumerable<InputItem> inputs, string outDir)
    {
        string outPrefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir)) + Path.DirectorySeparatorChar;
        var jobs = new List<TmkJob>();
        var refused = new List<(string, string)>();
        var ownerOfOutput = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenInputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in inputs)
        {
            if (item.Error is not null) { refused.Add((item.Path, item.Error)); continue; }
            if (item.IsLink) continue; // a link inside the inputs: its target is hashed at its own path
            string full = Path.GetFullPath(item.Path);
            if (full.StartsWith(outPrefix, StringComparison.Ordinal) || !seenInputs.Add(full)) continue;
            string output = Path.Combine(outDir, OutputName(item.Path));
            if (ownerOfOutput.TryGetValue(output, out var owner))
            {
                refused.Add((item.Path, $"not hashed: {output} is already the output of {owner} (same file name; give it another --out folder)"));
                continue;
            }
            ownerOfOutput[output] = item.Path;
            jobs.Add(new TmkJob(item.Path, output));
        }
        return new TmkPlan(jobs, refused);
    }

    /// <summary>The file name without its extension, plus <c>.tmk</c> (a name that is all extension, such as ".mp4", is kept whole).</summary>
    public static string OutputName(string input)
    {
        string name = Path.GetFileName(input);
        string stem = Path.GetFileNameWithoutExtension(name);
        return (stem.Length > 0 ? stem : name) + ".tmk";
    }

    /// <summary>Runs the jobs <paramref name="parallelism"/> at a time; <paramref name="done"/> gets each result in job order.</summary>
    public static void Run(IReadOnlyList<TmkJob> jobs, int parallelism, TmkOptions options, Action<TmkJobResult> done, CancellationToken cancel = default)
    {
        if (jobs.Count == 0) return;
        options = options with { DecoderThreads = 1 };
        OrderedParallel.Run(jobs, () => new NoWorkerState(), (_, job) => HashAndWrite(job, options, cancel), done,
            Math.Min(parallelism, jobs.Count), cancel: cancel);
    }

    /// <summary>Hashes one video and writes its file; every failure becomes the result's error, naming the cause.</summary>
    public static TmkJobResult HashAndWrite(TmkJob job, TmkOptions options, CancellationToken cancel)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        TmkFeatures features;
        try
        {
            features = TmkInput.HashVideo(job.Input, options, cancel);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bad video, a missing FFmpeg, a stall: the batch carries on with the next file.
            return new TmkJobResult(job, null, ex.Message, watch.Elapsed);
        }
        try
        {
            TmkFile.WriteFile(job.Output, features);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new TmkJobResult(job, null, $"cannot write {job.Output}: {ex.Message}", watch.Elapsed);
        }
        return new TmkJobResult(job, features, null, watch.Elapsed);
    }

    /// <summary>The batch needs no per-thread state; <see cref="OrderedParallel"/> asks for some.</summary>
    private sealed class NoWorkerState : IDisposable
    {
        public void Dispose() { }
    }
}
