using System.Diagnostics;
using System.Text.Json;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Output;

namespace Safeguard.Payments;

/// <summary>What one scan read and found, as written to <c>summary.json</c>.</summary>
public sealed record PaymentsScanSummary(
    IReadOnlyList<string> Feeds, string? Rates, string? BaseCurrency, long Rows, long FailedRows, long FailedFiles,
    long OutOfOrderRows, long InvalidUtf8Rows, string FirstSeen, string LastSeen, long TrackedAccounts,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Subjects, double Seconds, double RowsPerSecond)
{
    public bool AnyFailed => FailedRows > 0 || FailedFiles > 0;
}

/// <summary>
/// <c>safeguard payments scan</c> without the console: read the feeds once into the analyser, score, and
/// write <c>subjects.jsonl</c>, <c>network.json</c> and <c>summary.json</c> into the output folder.
/// </summary>
public static class PaymentsScan
{
    private struct AnalyzerSink(PaymentsAnalyzer analyzer) : ITransactionSink
    {
        public readonly void Accept(in TransactionFields transaction, FeedReader reader) => analyzer.Observe(transaction);
    }

    /// <summary>Reads every feed into the analyser (one pass, state per account).</summary>
    public static FeedReader Feed(PaymentsAnalyzer analyzer, IReadOnlyList<string> feeds, FeedOptions options, Action<FeedError> onError, IFeedProgress? progress = null)
    {
        var reader = new FeedReader(options, onError);
        var sink = new AnalyzerSink(analyzer);
        reader.Read(feeds, ref sink, progress);
        return reader;
    }

    public static PaymentsScanSummary Run(
        IReadOnlyList<string> feeds, FeedOptions options, PaymentsAnalyzer analyzer, string outDir,
        Action<FeedError> onError, IFeedProgress? progress = null, RiskLevel minLevel = RiskLevel.Low, string? ratesPath = null)
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var reader = Feed(analyzer, feeds, options, onError, progress);
        var subjects = WriteResults(analyzer, outDir, minLevel);
        double seconds = watch.Elapsed.TotalSeconds;
        var counts = new Dictionary<string, IReadOnlyDictionary<string, int>>();
        foreach (var role in new[] { SubjectRole.Purchaser, SubjectRole.Facilitator })
            counts[Subject.RoleName(role)] = new[] { RiskLevel.Low, RiskLevel.Medium, RiskLevel.High, RiskLevel.Critical }
                .ToDictionary(Subject.LevelName, l => subjects.Count(s => s.Role == role && s.Level == l));
        var summary = new PaymentsScanSummary(
            [.. feeds.Select(f => f == "-" ? "-" : Path.GetFullPath(f))], ratesPath is null ? null : Path.GetFullPath(ratesPath), reader.BaseCurrency,
            reader.Rows, reader.FailedRows, reader.FailedFiles, reader.OutOfOrderRows, reader.InvalidUtf8Rows,
            SubjectJson.Time(reader.FirstTicks), SubjectJson.Time(reader.LastTicks), analyzer.Senders.Count + analyzer.Receivers.Count,
            counts, Math.Round(seconds, 3), Math.Round(reader.Rows / Math.Max(seconds, 1e-6)));
        File.WriteAllText(Path.Combine(outDir, "summary.json"), JsonSerializer.Serialize(summary, SummaryJson));
        return summary;
    }

    /// <summary>Scores the analyser and writes <c>subjects.jsonl</c> and <c>network.json</c>; returns the subjects written.</summary>
    public static List<Subject> WriteResults(PaymentsAnalyzer analyzer, string outDir, RiskLevel minLevel = RiskLevel.Low)
    {
        Directory.CreateDirectory(outDir);
        var subjects = analyzer.Score().Where(s => s.Level >= minLevel).ToList();
        WriteSubjects(Path.Combine(outDir, "subjects.jsonl"), subjects);
        using (var network = File.Create(Path.Combine(outDir, "network.json"))) NetworkJson.Write(network, subjects);
        return subjects;
    }

    public static readonly JsonSerializerOptions SummaryJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private static void WriteSubjects(string path, IReadOnlyList<Subject> subjects)
    {
        using var stream = File.Create(path);
        var newline = "\n"u8.ToArray();
        foreach (var s in subjects)
        {
            using (var w = new Utf8JsonWriter(stream)) SubjectJson.Write(w, s);
            stream.Write(newline);
        }
    }
}
