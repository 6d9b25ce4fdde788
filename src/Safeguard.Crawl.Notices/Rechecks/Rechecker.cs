using System.Numerics;
using Safeguard.Crawl.Notices.Sending;
using Safeguard.Crawl.Notices.Storage;

namespace Safeguard.Crawl.Notices.Rechecks;

/// <summary>How often sent notices are checked, and when they escalate.</summary>
public sealed record RecheckOptions
{
    /// <summary>Time between checks of a URL still present (and before the first one, after sending).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(6);

    /// <summary>After failed checks (no answer) the wait doubles per failure, up to this.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromDays(2);

    /// <summary>A notice with media still present this long after it was sent escalates.</summary>
    public TimeSpan EscalateAfter { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Probes in flight at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Most URLs checked in one pass (the rest wait for the next).</summary>
    public int BatchLimit { get; init; } = 10_000;

    /// <summary>PDQ distance within which a probe's image counts as the same media (re-encoded).</summary>
    public int PdqThreshold { get; init; } = 31;

    public void Validate()
    {
        if (Interval <= TimeSpan.Zero) throw new ArgumentException("the re-check interval must be positive");
        if (MaxBackoff < Interval) throw new ArgumentException("the maximum back-off must be at least the re-check interval");
        if (EscalateAfter <= TimeSpan.Zero) throw new ArgumentException("the escalation delay must be positive");
        if (Concurrency is < 1 or > 256) throw new ArgumentException("re-check concurrency must be 1..256");
    }
}

/// <summary>What one pass did.</summary>
public sealed record RecheckSummary(int Checked, int Gone, int Present, int Errors, IReadOnlyList<long> Resolved, IReadOnlyList<SendOutcome> Escalations);

/// <summary>
/// Probes the URLs of sent notices that are due, records each result (gone, present, error),
/// schedules the next check (the interval, or a doubling back-off after errors), resolves
/// notices whose media is all gone, and escalates notices still online after the delay.
/// </summary>
public sealed class Rechecker(NoticeStore store, IMediaProbe probe, NoticeDispatcher dispatcher, RecheckOptions options)
{
    public async Task<RecheckSummary> RunOnceAsync(CancellationToken ct = default)
    {
        options.Validate();
        var due = await store.DueAsync(options.BatchLimit, ct);
        // A URL named by several sightings is fetched once per pass.
        var results = new Dictionary<string, ProbeResult>(StringComparer.Ordinal);
        var urls = due.Select(d => d.Url).Distinct(StringComparer.Ordinal).ToList();
        var found = new ProbeResult[urls.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, urls.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct },
            async (i, token) => found[i] = await ProbeOneAsync(urls[i], token));
        for (int i = 0; i < urls.Count; i++) results[urls[i]] = found[i];

        int gone = 0, present = 0, errors = 0;
        var now = store.Time.GetUtcNow();
        foreach (var item in due)
        {
            var (result, detail, isGone) = Judge(item, results[item.Url]);
            DateTimeOffset? next = null;
            switch (result)
            {
                case "gone": gone++; break;
                case "present": present++; next = now + options.Interval; break;
                default: errors++; next = now + Backoff(item.Failures + 1); break;
            }
            await store.RecordCheckAsync(item, result, detail, isGone, next, ct);
        }
        var resolved = await store.ResolveFinishedAsync(ct);

        var escalations = new List<SendOutcome>();
        foreach (var noticeId in await store.DueForEscalationAsync(options.EscalateAfter, ct))
        {
            var escalationId = await store.OpenEscalationAsync(noticeId, ct);
            escalations.Add(await dispatcher.SendAsync(escalationId, ct));
        }
        return new RecheckSummary(due.Count, gone, present, errors, resolved, escalations);
    }

    private async Task<ProbeResult> ProbeOneAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return new ProbeResult.Error($"not an absolute URL: {url}");
        try { return await probe.ProbeAsync(uri, ct); }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A probe that throws is a failed check, not the end of the pass.
            return new ProbeResult.Error($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>Doubling wait after consecutive failures, capped at <see cref="RecheckOptions.MaxBackoff"/>.</summary>
    public TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(options.Interval.Ticks * factor, options.MaxBackoff.Ticks));
        return wait;
    }

    private (string Result, string? Detail, bool Gone) Judge(DueItem item, ProbeResult result) => result switch
    {
        ProbeResult.Gone g => ("gone", g.Reason, true),
        ProbeResult.Present p when p.Sha256.Equals(item.Sha256, StringComparison.OrdinalIgnoreCase) => ("present", "same SHA-256", false),
        ProbeResult.Present p when p.Pdq is not null && item.Pdq is not null && PdqDistance(p.Pdq, item.Pdq) is { } d && d <= options.PdqThreshold
            => ("present", $"same image (PDQ distance {d})", false),
        ProbeResult.Present => ("gone", "the URL now serves different content", true),
        ProbeResult.Error e => ("error", e.Message, false),
        _ => ("error", "unknown probe result", false),
    };

    private static int? PdqDistance(string a, string b)
    {
        if (a.Length != 64 || b.Length != 64) return null;
        try
        {
            var x = Convert.FromHexString(a);
            var y = Convert.FromHexString(b);
            int d = 0;
            for (int i = 0; i < x.Length; i++) d += BitOperations.PopCount((uint)(x[i] ^ y[i]));
            return d;
        }
        catch (FormatException) { return null; }
    }
}
