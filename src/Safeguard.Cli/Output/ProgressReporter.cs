using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Safeguard.Cli.Output;

/// <summary>
/// Progress of long work, on standard error only (standard output stays pure data): a Spectre.Console
/// bar when stderr is a terminal (and no results are being printed on the same terminal), otherwise a
/// plain line every <see cref="PlainInterval"/>
/// (none for work shorter than that). Off with the global --no-progress.
/// </summary>
public sealed class ProgressReporter
{
    /// <summary>Environment variable: seconds between plain progress lines (default 10).</summary>
    public const string IntervalVariable = "SAFEGUARD_PROGRESS_INTERVAL";

    private readonly string _what, _unit;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _done, _total = -1;
    private volatile string? _current, _detail;

    private ProgressReporter(string what, string unit, long? total)
    {
        _what = what;
        _unit = unit;
        if (total is { } t) _total = t;
    }

    /// <summary>One more item finished (thread-safe).</summary>
    public void Advance(long by = 1) => Interlocked.Add(ref _done, by);

    /// <summary>How many items are finished, when the worker counts them itself.</summary>
    public void SetDone(long done) => Interlocked.Exchange(ref _done, done);

    /// <summary>What else to show after the count (e.g. "52 files" inside 40 inputs).</summary>
    public string? Detail { get => _detail; set => _detail = value; }

    /// <summary>How many items there are, once known.</summary>
    public void SetTotal(long total) => Interlocked.Exchange(ref _total, total);

    /// <summary>The item in progress (e.g. the video being decoded), shown beside the count.</summary>
    public string? Current { get => _current; set => _current = value; }

    public static TimeSpan PlainInterval =>
        double.TryParse(Environment.GetEnvironmentVariable(IntervalVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="work"/> while showing its progress as the command line asked.
    /// <paramref name="dataOnStdout"/>: the work prints its results as it goes, so when standard
    /// output is the same terminal a live bar would be drawn through them; plain lines are used then.
    /// </summary>
    public static T Run<T>(ParseResult parse, string what, string unit, long? total, Func<ProgressReporter, T> work, bool dataOnStdout = true) =>
        RunAsync(parse, what, unit, total, p => Task.FromResult(work(p)), dataOnStdout).GetAwaiter().GetResult();

    public static async Task<T> RunAsync<T>(ParseResult parse, string what, string unit, long? total, Func<ProgressReporter, Task<T>> work,
        bool dataOnStdout = true)
    {
        var reporter = new ProgressReporter(what, unit, total);
        if (parse.GetValue(GlobalOptions.NoProgress)) return await work(reporter);
        if (Console.IsErrorRedirected || (dataOnStdout && !Console.IsOutputRedirected)) return await reporter.RunPlain(work);
        return await reporter.RunBar(work);
    }

    private async Task<T> RunPlain<T>(Func<ProgressReporter, Task<T>> work)
    {
        bool printed = false;
        var interval = PlainInterval;
        using (new Timer(_ => { printed = true; Console.Error.WriteLine($"safeguard: {_what}: {Line()}"); }, null, interval, interval))
        {
            var result = await work(this);
            if (printed) Console.Error.WriteLine($"safeguard: {_what}: done, {Interlocked.Read(ref _done):N0} {_unit} in {_watch.Elapsed.TotalSeconds:F1} s");
            return result;
        }
    }

    private async Task<T> RunBar<T>(Func<ProgressReporter, Task<T>> work)
    {
        var errors = Console.Error;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(errors) });
        try
        {
            return await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(_what, maxValue: 1);
                    task.IsIndeterminate = true;
                    // Error lines go through the live display so they print above the bar, not through it.
                    Console.SetError(new LiveLineWriter(console));
                    using var refresh = new Timer(_ => Update(task), null, 0, 200);
                    var result = await work(this);
                    Update(task);
                    return result;
                });
        }
        finally
        {
            Console.SetError(errors);
        }
    }

    private void Update(ProgressTask task)
    {
        long total = Interlocked.Read(ref _total), done = Interlocked.Read(ref _done);
        task.Description = Markup.Escape($"{_what}: {Line(withEta: false)}");
        if (total <= 0) return;
        task.IsIndeterminate = false;
        task.MaxValue = total;
        task.Value = Math.Min(done, total);
    }

    /// <summary>"12 of 40 videos, 0.3 videos/s, ETA 00:01:30 (now: a.mp4)"; scan: "40 of 120 inputs, 52 files, 3.1 inputs/s, ETA 00:00:02".</summary>
    private string Line(bool withEta = true)
    {
        long total = Interlocked.Read(ref _total), done = Interlocked.Read(ref _done);
        double seconds = _watch.Elapsed.TotalSeconds, rate = done / Math.Max(seconds, 1e-3);
        string of = total > 0 ? $" of {total:N0}" : "";
        string eta = withEta && total > 0 && done > 0 && done < total
            ? $", ETA {TimeSpan.FromSeconds(Math.Min((total - done) * seconds / done, TimeSpan.MaxValue.TotalSeconds / 2)):hh\\:mm\\:ss}" : "";
        string now = _current is { } c ? $" (now: {c})" : "";
        string detail = _detail is { } d ? $", {d}" : "";
        return $"{done:N0}{of} {_unit}{detail}, {rate:F1} {_unit}/s{eta}{now}";
    }

    private sealed class LiveLineWriter(IAnsiConsole console) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
        public override void WriteLine(string? value) => console.WriteLine(value ?? "");
        public override void Write(string? value) => console.Write(value ?? "");
    }
}
